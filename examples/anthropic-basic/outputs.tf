output "function_url" {
  description = "Call it with SigV4: see the project README, section \"Who may call the URL\"."
  value       = module.agent.function_url
}

output "log_group_name" {
  description = "aws logs tail <this> --follow"
  value       = module.agent.log_group_name
}

output "model_id" {
  value = module.agent.model_id
}
