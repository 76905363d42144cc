output "function_url" {
  description = "Call it with SigV4: see the project README, section \"Who may call the URL\"."
  value       = module.agent.function_url
}

output "function_security_group_id" {
  description = "Allow this group where the function must reach more than its endpoints."
  value       = module.agent.function_security_group_id
}

output "log_group_name" {
  value = module.agent.log_group_name
}

output "model_id" {
  description = "The Region's Claude inference profile."
  value       = module.agent.model_id
}
