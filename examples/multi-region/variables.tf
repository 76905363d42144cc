variable "primary_region" {
  description = "First Region."
  type        = string
  default     = "us-east-1"
}

variable "secondary_region" {
  description = "Second Region."
  type        = string
  default     = "eu-west-1"
}

variable "agents" {
  description = "Agents to run in both Regions, by name."
  type = map(object({
    system_prompt = optional(string, "")
    memory_size   = optional(number, 512)
  }))
  default = { assistant = {} }
}

variable "tags" {
  description = "Tags for every resource, through each provider's default_tags."
  type        = map(string)
  default     = {}
}
