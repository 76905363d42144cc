# Claude on Amazon Bedrock, from an existing VPC's private subnets. The module
# creates the function's security group and the interface endpoints it needs
# (bedrock-runtime, logs, sts), so no NAT gateway is required; pass
# vpc_endpoint_ids instead if the VPC already has them.

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

module "agent" {
  source = "../../cdktf.out/modules/agent"

  function_name  = var.function_name
  llm_provider   = "bedrock"
  vpc_id         = var.vpc_id
  vpc_subnet_ids = var.subnet_ids
}
