/** Encryption at rest with a key of your own. */
import type { VariableSpec } from './variable-types';

/** A KMS key ARN (not an alias: IAM policies and CloudWatch Logs need the key itself). */
export const KMS_KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$';

export const ENCRYPTION_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'kms_key_arn',
    group: 'Encryption (optional)',
    type: 'string',
    default: '',
    description:
      "ARN of a customer-managed KMS key in the deployment's Region, for the log group, the function's environment variables and a secret the stack creates. Empty uses AWS-owned keys. The key policy must let CloudWatch Logs (logs.<region>.amazonaws.com) use it; the role gets kms:Decrypt on this key only.",
    validation: [
      {
        condition: `\${var.kms_key_arn == "" || can(regex("${KMS_KEY_ARN_PATTERN}", var.kms_key_arn))}`,
        errorMessage: 'kms_key_arn must be empty or the ARN of a KMS key, "arn:aws:kms:<region>:<account>:key/<key-id>" (not an alias).',
      },
    ],
  },
];
