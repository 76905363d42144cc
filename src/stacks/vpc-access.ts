/**
 * Optional VPC placement: the function's security group, the interface
 * endpoints it needs (guarded by a security group that admits HTTPS from the
 * function only), and the ENI permissions Lambda needs in a VPC. The jobs
 * worker runs the same agent, so it is placed the same way: the same subnets
 * and security group, the same ENI policy on its own role, and the endpoints
 * jobs add (sqs to queue a job, events for job events). Everything is counted
 * on `vpc_id`, so an empty `vpc_id` leaves the stack as it was.
 */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { conditional, Fn, Op, TerraformIterator, TerraformLocal, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import type { StackContext } from './stack-context';
import { countIf, first, isNotEmpty, named, onlyIf, splat } from './terraform-helpers';
import type { StackVariables } from './variables';

export interface VpcAccessProps {
  /** The function role's name (known at plan, so the plan shows which role each policy is on). */
  readonly roleName: string;
  readonly variables: StackVariables;
  readonly context: StackContext;
  /** Whether the state table exists: the function then needs a way to DynamoDB. */
  readonly stateNeeded: IResolvable;
}

const HTTPS = 443;
/** The ENI policy's name on each role placed in the VPC. */
export const VPC_ACCESS_POLICY = 'vpc-access';

export class VpcAccess extends Construct {
  /** The ENI policy: the function must not be created in a VPC before it exists. */
  readonly policy: IamRolePolicy;
  /** The function's security group id (meaningful only in a VPC). */
  readonly functionSecurityGroupId: string;
  /** The same, or an empty string outside a VPC: for outputs. */
  readonly functionSecurityGroupIdOrEmpty: string;
  /** Whether the function is placed in a VPC. */
  readonly inVpc: IResolvable;
  private readonly subnetIds: string[];
  /** The ENI policy document's JSON (in a VPC only), for another function placed the same way. */
  readonly eniPolicyJson: string;

  constructor(scope: Construct, id: string, props: VpcAccessProps) {
    super(scope, id);
    const { variables: vars, context } = props;
    const name = vars.str('function_name');
    const inVpc = isNotEmpty(vars.str('vpc_id'));
    const provider = vars.str('llm_provider');

    const services = named(
      new TerraformLocal(
        this,
        'services',
        conditional(
          Op.and(inVpc, vars.bool('create_vpc_endpoints')),
          Fn.sort(
            Fn.tolist(
              Fn.setsubtract(
                Token.asList(
                  Fn.concat([
                    Token.asList(conditional(Op.eq(provider, 'anthropic'), ['secretsmanager'], [])),
                    Token.asList(conditional(Op.eq(provider, 'bedrock'), ['bedrock-runtime'], [])),
                    // knowledge_base_search calls Retrieve.
                    Token.asList(conditional(isNotEmpty(vars.list('knowledge_base_ids')), ['bedrock-agent-runtime'], [])),
                    // POST /jobs sends to the queue; the worker puts job events on the default bus.
                    Token.asList(conditional(vars.bool('async_jobs_enabled'), ['sqs'], [])),
                    Token.asList(conditional(Op.and(vars.bool('async_jobs_enabled'), vars.bool('job_events_enabled')), ['events'], [])),
                    ['logs', 'sts'],
                  ]),
                ),
                Token.asList(Fn.keys(vars.map('vpc_endpoint_ids'))),
              ),
            ),
          ),
          [],
        ),
      ),
      'vpc_endpoint_services',
    ).asList;
    const creatingEndpoints = isNotEmpty(services);

    // The internet through NAT: for api.anthropic.com, and for the MCP servers.
    const mcpServersOn = isNotEmpty(vars.map('mcp_servers'));
    const natEgress = Op.and(Op.and(inVpc, Op.or(Op.eq(provider, 'anthropic'), mcpServersOn)), vars.bool('nat_egress_enabled'));
    const prefixListGiven = isNotEmpty(vars.str('vpc_dynamodb_prefix_list_id'));
    // A gateway endpoint is created unless you name the prefix list of one you have.
    const createGateway = Op.and(isNotEmpty(vars.list('vpc_route_table_ids')), Op.not(prefixListGiven));
    const dynamodbReachable = Op.or(isNotEmpty(vars.list('vpc_route_table_ids')), prefixListGiven);
    const functionSg = named(
      new SecurityGroup(this, 'function-sg', {
        count: countIf(inVpc),
        name: `${name}-function`,
        description: 'Claude agent Lambda function: no ingress; HTTPS egress to its VPC endpoints, and to the internet only through NAT.',
        vpcId: vars.str('vpc_id'),
        tags: context.tags({ Name: `${name}-function` }),
        lifecycle: {
          precondition: [
            {
              condition: Op.or(Op.or(Op.not(props.stateNeeded), dynamodbReachable), natEgress),
              errorMessage:
                'The state table (sessions_enabled, caller_daily_token_budget, daily_cost_budget_usd or async_jobs_enabled) must be reachable from the VPC: set vpc_route_table_ids to the route tables of vpc_subnet_ids (a DynamoDB gateway endpoint is created on them), or vpc_dynamodb_prefix_list_id when they already have one, or, with llm_provider "anthropic", route through NAT with nat_egress_enabled = true.',
            },
          ],
        },
      }),
      'function',
    );
    const functionSgId = first(functionSg, 'id');

    const endpointsSg = named(
      new SecurityGroup(this, 'endpoints-sg', {
        count: countIf(creatingEndpoints),
        name: `${name}-endpoints`,
        description: 'Interface VPC endpoints of the Claude agent: HTTPS from the function security group only.',
        vpcId: vars.str('vpc_id'),
        tags: context.tags({ Name: `${name}-endpoints` }),
      }),
      'endpoints',
    );
    const endpointsSgId = first(endpointsSg, 'id');

    named(
      new VpcSecurityGroupIngressRule(this, 'endpoints-ingress', {
        count: countIf(creatingEndpoints),
        securityGroupId: endpointsSgId,
        referencedSecurityGroupId: functionSgId,
        ipProtocol: 'tcp',
        fromPort: HTTPS,
        toPort: HTTPS,
        description: 'HTTPS from the Claude agent function to the interface endpoints',
      }),
      'endpoints_from_function',
    );

    named(
      new VpcSecurityGroupEgressRule(this, 'function-to-endpoints', {
        count: countIf(creatingEndpoints),
        securityGroupId: functionSgId,
        referencedSecurityGroupId: endpointsSgId,
        ipProtocol: 'tcp',
        fromPort: HTTPS,
        toPort: HTTPS,
        description: 'HTTPS from the function to the interface endpoints this stack created',
      }),
      'function_to_endpoints',
    );

    const existingGroups = TerraformIterator.fromList(conditional(inVpc, vars.list('vpc_endpoint_security_group_ids'), []));
    named(
      new VpcSecurityGroupEgressRule(this, 'function-to-existing-endpoints', {
        forEach: existingGroups,
        securityGroupId: functionSgId,
        referencedSecurityGroupId: Token.asString(existingGroups.value),
        ipProtocol: 'tcp',
        fromPort: HTTPS,
        toPort: HTTPS,
        description: 'HTTPS from the function to existing interface endpoints (vpc_endpoint_security_group_ids)',
      }),
      'function_to_existing_endpoints',
    );

    // DynamoDB (the state table) through a gateway endpoint on the subnets' route tables: free, and the traffic stays in AWS.
    const dynamodbGateway = named(
      new VpcEndpoint(this, 'dynamodb-gateway', {
        count: countIf(Op.and(Op.and(inVpc, props.stateNeeded), createGateway)),
        vpcId: vars.str('vpc_id'),
        serviceName: `com.amazonaws.${context.region}.dynamodb`,
        vpcEndpointType: 'Gateway',
        routeTableIds: vars.list('vpc_route_table_ids'),
        tags: context.tags({ Name: `${name}-dynamodb` }),
      }),
      'dynamodb',
    );
    named(
      new VpcSecurityGroupEgressRule(this, 'function-to-dynamodb', {
        count: countIf(Op.and(Op.and(inVpc, props.stateNeeded), dynamodbReachable)),
        securityGroupId: functionSgId,
        prefixListId: Token.asString(conditional(prefixListGiven, vars.str('vpc_dynamodb_prefix_list_id'), Fn.one(splat(dynamodbGateway, 'prefix_list_id')))),
        ipProtocol: 'tcp',
        fromPort: HTTPS,
        toPort: HTTPS,
        description: 'HTTPS from the function to DynamoDB (the state table) through a gateway endpoint',
      }),
      'function_to_dynamodb',
    );

    named(
      new VpcSecurityGroupEgressRule(this, 'function-to-internet', {
        count: countIf(natEgress),
        securityGroupId: functionSgId,
        cidrIpv4: '0.0.0.0/0',
        ipProtocol: 'tcp',
        fromPort: HTTPS,
        toPort: HTTPS,
        description: Token.asString(
          conditional(
            Op.eq(provider, 'anthropic'),
            'HTTPS to api.anthropic.com through the VPC NAT gateway (the Anthropic API has no PrivateLink)',
            'HTTPS to the MCP servers (mcp_servers) through the VPC NAT gateway',
          ),
        ),
      }),
      'function_to_internet',
    );

    const service = TerraformIterator.fromList(services);
    named(
      new VpcEndpoint(this, 'endpoint', {
        forEach: service,
        vpcId: vars.str('vpc_id'),
        serviceName: `com.amazonaws.${context.region}.${service.key}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: vars.list('vpc_subnet_ids'),
        securityGroupIds: [endpointsSgId],
        tags: context.tags({ Name: `${name}-${service.key}` }),
      }),
      'agent',
    );

    this.eniPolicyJson = Token.asString(Fn.one(splat(eniPolicyDocument(this, vars, context, inVpc), 'json')));
    this.policy = named(
      new IamRolePolicy(this, 'eni-policy', { count: countIf(inVpc), role: props.roleName, name: VPC_ACCESS_POLICY, policy: this.eniPolicyJson }),
      'vpc_access',
    );
    this.functionSecurityGroupId = functionSgId;
    this.subnetIds = vars.list('vpc_subnet_ids');
    this.functionSecurityGroupIdOrEmpty = Fn.join('', splat(functionSg, 'id'));
    this.inVpc = inVpc;
  }

  /**
   * Places `fn` in the VPC when `vpc_id` is set: the configured subnets and the
   * function security group. A dynamic block, so an empty `vpc_id` plans no
   * `vpc_config` at all.
   */
  place(fn: LambdaFunction): void {
    fn.addOverride('dynamic.vpc_config', {
      for_each: onlyIf(this.inVpc),
      content: { subnet_ids: this.subnetIds, security_group_ids: [this.functionSecurityGroupId] },
    });
  }
}

/**
 * What AWSLambdaVPCAccessExecutionRole grants, scoped: ENIs may be created
 * only in the configured subnets with a security group of the configured VPC,
 * and managed only inside that VPC. The two Describe actions have no
 * resource-level permissions in EC2, so they keep Resource "*". Nothing here
 * names the new security group's id, so the policy is known at plan time.
 */
function eniPolicyDocument(scope: Construct, vars: StackVariables, context: StackContext, inVpc: IResolvable): DataAwsIamPolicyDocument {
  const arn = `arn:${context.partition}:ec2:${context.region}:${context.accountId}`;
  const inConfiguredVpc = [{ test: 'ArnEquals', variable: 'ec2:Vpc', values: [`${arn}:vpc/${vars.str('vpc_id')}`] }];
  return named(
    new DataAwsIamPolicyDocument(scope, 'eni-policy-document', {
      count: countIf(inVpc),
      statement: [
        { sid: 'DescribeNetworking', effect: 'Allow', actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] },
        {
          sid: 'CreateEniInConfiguredSubnets',
          effect: 'Allow',
          actions: ['ec2:CreateNetworkInterface'],
          resources: Token.asList(
            Fn.concat([
              [`${arn}:network-interface/*`],
              Token.asList(Fn.formatlist('arn:%s:ec2:%s:%s:subnet/%s', [context.partition, context.region, context.accountId, vars.list('vpc_subnet_ids')])),
            ]),
          ),
        },
        {
          sid: 'AttachSecurityGroupsOfConfiguredVpc',
          effect: 'Allow',
          actions: ['ec2:CreateNetworkInterface'],
          resources: [`${arn}:security-group/*`],
          condition: inConfiguredVpc,
        },
        {
          sid: 'ManageEnisInConfiguredVpc',
          effect: 'Allow',
          actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: [`${arn}:network-interface/*`],
          condition: inConfiguredVpc,
        },
      ],
    }),
    'vpc_access',
  );
}
