/** What every construct of the stack builds ARNs and tags from. */
export interface StackContext {
  /** `aws`, `aws-cn`, `aws-us-gov`: from the `aws_partition` data source. */
  readonly partition: string;
  /** The account the stack deploys into: from the `aws_caller_identity` data source. */
  readonly accountId: string;
  /** The Region the stack deploys into: the aws provider's, from the `aws_region` data source. */
  readonly region: string;
  /**
   * Tags for a resource that supports them, `extra` included. The root stack
   * tags through its provider's `default_tags`; a module cannot configure the
   * caller's provider, so it tags each resource itself.
   */
  tags(extra?: Record<string, string>): Record<string, string> | undefined;
}
