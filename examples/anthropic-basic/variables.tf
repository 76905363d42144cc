variable "region" {
  description = "Region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "function_name" {
  description = "Name of the function; also names its role and log group."
  type        = string
  default     = "claude-agent-basic"
}

variable "anthropic_api_key_secret_arn" {
  description = "Complete ARN of the Secrets Manager secret holding the Anthropic API key (ends in -XXXXXX)."
  type        = string
}

variable "tags" {
  description = "Tags for every resource, through the provider's default_tags."
  type        = map(string)
  default     = {}
}
