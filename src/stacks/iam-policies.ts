/**
 * The function role's policies as HCL `jsonencode` expressions. Every
 * statement names its actions (no wildcards) and its resources (no "*"),
 * except X-Ray, whose write actions have no resource-level permissions.
 */

const ARN_PREFIX = 'arn:${data.aws_partition.current.partition}';
const ACCOUNT = '${data.aws_caller_identity.current.account_id}';

/** Only the Lambda service may assume the role. */
export const LAMBDA_TRUST_POLICY = `\${jsonencode({
  Version = "2012-10-17"
  Statement = [{
    Sid       = "LambdaAssumeRole"
    Effect    = "Allow"
    Action    = "sts:AssumeRole"
    Principal = { Service = "lambda.amazonaws.com" }
  }]
})}`;

/** Built from known parts (not the log group's `arn` attribute) so the policy is known at plan time. */
export const LOG_GROUP_ARN = `${ARN_PREFIX}:logs:\${var.aws_region}:${ACCOUNT}:log-group:/aws/lambda/\${var.function_name}`;

export const LOGS_POLICY = `\${jsonencode({
  Version = "2012-10-17"
  Statement = [{
    Sid      = "WriteOwnLogGroup"
    Effect   = "Allow"
    Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    Resource = ["${LOG_GROUP_ARN}:log-stream:*"]
  }]
})}`;

export const SECRET_POLICY = `\${jsonencode({
  Version = "2012-10-17"
  Statement = [{
    Sid      = "ReadAnthropicApiKey"
    Effect   = "Allow"
    Action   = ["secretsmanager:GetSecretValue"]
    Resource = [local.anthropic_api_key_secret_arn]
  }]
})}`;

/**
 * Invoke the configured model only. Through an inference profile, the
 * foundation-model statement is further bound to that profile, so the model
 * cannot be called directly in the destination Regions.
 */
export const BEDROCK_POLICY = `\${jsonencode({
  Version = "2012-10-17"
  Statement = concat(
    [for arn in [local.inference_profile_arn] : {
      Sid      = "InvokeInferenceProfile"
      Effect   = "Allow"
      Action   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
      Resource = [arn]
    } if local.is_inference_profile],
    [merge({
      Sid      = "InvokeFoundationModel"
      Effect   = "Allow"
      Action   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
      Resource = local.foundation_model_arns
    }, local.is_inference_profile ? { Condition = { StringEquals = { "bedrock:InferenceProfileArn" = local.inference_profile_arn } } } : {})]
  )
})}`;

export const TRACING_POLICY = `\${jsonencode({
  Version = "2012-10-17"
  Statement = [{
    Sid      = "WriteXRayTraces"
    Effect   = "Allow"
    Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    Resource = ["*"]
  }]
})}`;
