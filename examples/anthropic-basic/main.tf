# The smallest useful deployment: Claude through Anthropic's API, the API key
# read from an existing Secrets Manager secret, and a Function URL that only
# AWS_IAM-signed (SigV4) requests may call.

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

module "agent" {
  source = "../../cdktf.out/modules/agent"

  function_name                = var.function_name
  anthropic_api_key_secret_arn = var.anthropic_api_key_secret_arn
}
