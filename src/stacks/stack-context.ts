/** What every construct of the stack builds ARNs from. */
export interface StackContext {
  /** `aws`, `aws-cn`, `aws-us-gov`: from the `aws_partition` data source. */
  readonly partition: string;
  /** The account the stack deploys into: from the `aws_caller_identity` data source. */
  readonly accountId: string;
  /** The Region the stack deploys into. */
  readonly region: string;
}
