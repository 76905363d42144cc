output "function_urls" {
  description = "Function URL of each agent, by \"<agent>/<region>\"."
  value = merge(
    { for name, agent in module.agent_primary : "${name}/${var.primary_region}" => agent.function_url },
    { for name, agent in module.agent_secondary : "${name}/${var.secondary_region}" => agent.function_url },
  )
}

output "model_ids" {
  description = "The inference profile each agent calls: its Region's geography."
  value = merge(
    { for name, agent in module.agent_primary : "${name}/${var.primary_region}" => agent.model_id },
    { for name, agent in module.agent_secondary : "${name}/${var.secondary_region}" => agent.model_id },
  )
}
