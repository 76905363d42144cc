variable "region" {
  description = "Region of the VPC; Bedrock must offer Claude there."
  type        = string
  default     = "us-east-1"
}

variable "function_name" {
  description = "Name of the function; also names its role, log group and security groups."
  type        = string
  default     = "claude-agent-vpc"
}

variable "vpc_id" {
  description = "The existing VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of that VPC, in at least two Availability Zones."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource, through the provider's default_tags."
  type        = map(string)
  default     = {}
}
