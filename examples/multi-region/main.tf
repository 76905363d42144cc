# The same agents in two Regions, each on Amazon Bedrock through its own
# geography's inference profile (us. and eu.). Every resource carries the
# default_tags of the provider that created it.
#
# Terraform gives all instances of one module block the same provider
# configuration, so there is one block per Region; for_each runs every agent
# of var.agents in each of them.

provider "aws" {
  alias  = "primary"
  region = var.primary_region

  default_tags {
    tags = merge(var.tags, { region-role = "primary" })
  }
}

provider "aws" {
  alias  = "secondary"
  region = var.secondary_region

  default_tags {
    tags = merge(var.tags, { region-role = "secondary" })
  }
}

module "agent_primary" {
  source    = "../../cdktf.out/modules/agent"
  for_each  = var.agents
  providers = { aws = aws.primary }

  # Function and role names are per account: the Region keeps them apart.
  function_name = "${each.key}-${var.primary_region}"
  llm_provider  = "bedrock"
  system_prompt = each.value.system_prompt
  memory_size   = each.value.memory_size
}

module "agent_secondary" {
  source    = "../../cdktf.out/modules/agent"
  for_each  = var.agents
  providers = { aws = aws.secondary }

  function_name = "${each.key}-${var.secondary_region}"
  llm_provider  = "bedrock"
  system_prompt = each.value.system_prompt
  memory_size   = each.value.memory_size
}
