/** The state table: how it is kept, beyond what the features that need it decide. */
import { KMS_KEY_ARN_PATTERN } from './variables-encryption';
import type { VariableSpec } from './variable-types';

export const STATE_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'state_kms_key_arn',
    group: 'Sessions and budgets',
    type: 'string',
    default: '',
    description: 'KMS key for the state table. Empty uses kms_key_arn when that is set, else an AWS-owned key. The role may use the key only through DynamoDB.',
    validation: [
      {
        condition: `\${var.state_kms_key_arn == "" || can(regex("${KMS_KEY_ARN_PATTERN}", var.state_kms_key_arn))}`,
        errorMessage: 'state_kms_key_arn must be empty or the ARN of a KMS key, "arn:aws:kms:<region>:<account>:key/<key-id>" (not an alias).',
      },
    ],
  },
  {
    name: 'state_point_in_time_recovery',
    group: 'Sessions and budgets',
    type: 'bool',
    default: true,
    description: 'Point-in-time recovery (35 days of continuous backups) for the state table.',
  },
  {
    name: 'state_deletion_protection',
    group: 'Sessions and budgets',
    type: 'bool',
    default: false,
    description: 'Deletion protection for the state table: `terraform destroy` then fails until you set it back to false.',
  },
];
