/**
 * Optional VPC placement: the function's security group, the interface
 * endpoints it needs (guarded by a security group that admits HTTPS from the
 * function only), and the ENI permissions Lambda needs in a VPC. Everything
 * is counted on `vpc_id`, so an empty `vpc_id` leaves the stack as it was.
 */
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { countIf as when, named } from './terraform-helpers';
import { v } from './variables';

export interface VpcAccessProps {
  /** Terraform address of the function role's `id`, e.g. `aws_iam_role.agent.id`. */
  readonly roleId: string;
}

const HTTPS = 443;

/** Terraform addresses other constructs refer to. */
export const FUNCTION_SECURITY_GROUP_ID = '${aws_security_group.function[0].id}';

export class VpcAccess extends Construct {
  /** The ENI policy: the function must not be created in a VPC before it exists. */
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: VpcAccessProps) {
    super(scope, id);
    const inVpc = 'var.vpc_id != ""';

    named(new TerraformLocal(this, 'services',
      '${var.vpc_id != "" && var.create_vpc_endpoints ? [for s in concat(var.llm_provider == "anthropic" ? ["secretsmanager"] : [], var.llm_provider == "bedrock" ? ["bedrock-runtime"] : [], ["logs", "sts"]) : s if !contains(keys(var.vpc_endpoint_ids), s)] : []}',
    ), 'vpc_endpoint_services');
    const creatingEndpoints = 'length(local.vpc_endpoint_services) > 0';

    named(new SecurityGroup(this, 'function-sg', {
      count: when(inVpc),
      name: `${v('function_name')}-function`,
      description: 'Claude agent Lambda function: no ingress; HTTPS egress to its VPC endpoints, and to the internet only through NAT.',
      vpcId: v('vpc_id'),
      tags: { Name: `${v('function_name')}-function` },
    }), 'function');

    named(new SecurityGroup(this, 'endpoints-sg', {
      count: when(creatingEndpoints),
      name: `${v('function_name')}-endpoints`,
      description: 'Interface VPC endpoints of the Claude agent: HTTPS from the function security group only.',
      vpcId: v('vpc_id'),
      tags: { Name: `${v('function_name')}-endpoints` },
    }), 'endpoints');

    named(new VpcSecurityGroupIngressRule(this, 'endpoints-ingress', {
      count: when(creatingEndpoints),
      securityGroupId: '${aws_security_group.endpoints[0].id}',
      referencedSecurityGroupId: FUNCTION_SECURITY_GROUP_ID,
      ipProtocol: 'tcp',
      fromPort: HTTPS,
      toPort: HTTPS,
      description: 'HTTPS from the Claude agent function to the interface endpoints',
    }), 'endpoints_from_function');

    named(new VpcSecurityGroupEgressRule(this, 'function-to-endpoints', {
      count: when(creatingEndpoints),
      securityGroupId: FUNCTION_SECURITY_GROUP_ID,
      referencedSecurityGroupId: '${aws_security_group.endpoints[0].id}',
      ipProtocol: 'tcp',
      fromPort: HTTPS,
      toPort: HTTPS,
      description: 'HTTPS from the function to the interface endpoints this stack created',
    }), 'function_to_endpoints');

    const existing = named(new VpcSecurityGroupEgressRule(this, 'function-to-existing-endpoints', {
      securityGroupId: FUNCTION_SECURITY_GROUP_ID,
      referencedSecurityGroupId: '${each.value}',
      ipProtocol: 'tcp',
      fromPort: HTTPS,
      toPort: HTTPS,
      description: 'HTTPS from the function to existing interface endpoints (vpc_endpoint_security_group_ids)',
    }), 'function_to_existing_endpoints');
    existing.addOverride('for_each', '${var.vpc_id != "" ? toset(var.vpc_endpoint_security_group_ids) : toset([])}');

    named(new VpcSecurityGroupEgressRule(this, 'function-to-internet', {
      count: when('var.vpc_id != "" && var.llm_provider == "anthropic" && var.nat_egress_enabled'),
      securityGroupId: FUNCTION_SECURITY_GROUP_ID,
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: 'tcp',
      fromPort: HTTPS,
      toPort: HTTPS,
      description: 'HTTPS to api.anthropic.com through the VPC NAT gateway (the Anthropic API has no PrivateLink)',
    }), 'function_to_internet');

    const endpoint = named(new VpcEndpoint(this, 'endpoint', {
      vpcId: v('vpc_id'),
      serviceName: 'com.amazonaws.${var.aws_region}.${each.key}',
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      subnetIds: Token.asList(v('vpc_subnet_ids')),
      securityGroupIds: ['${aws_security_group.endpoints[0].id}'],
      tags: { Name: '${var.function_name}-${each.key}' },
    }), 'agent');
    endpoint.addOverride('for_each', '${toset(local.vpc_endpoint_services)}');

    this.policy = named(new IamRolePolicy(this, 'eni-policy', {
      count: when(inVpc),
      role: props.roleId,
      name: 'vpc-access',
      policy: ENI_POLICY,
    }), 'vpc_access');
  }
}

/**
 * What AWSLambdaVPCAccessExecutionRole grants, scoped: ENIs may be created
 * only in the configured subnets with a security group of the configured VPC,
 * and managed only inside that VPC. The two Describe actions have no
 * resource-level permissions in EC2, so they keep Resource "*". Nothing here
 * names the new security group's id, so the policy is known at plan time.
 */
const ARN = 'arn:${data.aws_partition.current.partition}:ec2:${var.aws_region}:${data.aws_caller_identity.current.account_id}';
const IN_VPC = `{ ArnEquals = { "ec2:Vpc" = "${ARN}:vpc/\${var.vpc_id}" } }`;
const ENI_POLICY = `\${jsonencode({
  Version = "2012-10-17"
  Statement = [
    {
      Sid      = "DescribeNetworking"
      Effect   = "Allow"
      Action   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
      Resource = ["*"]
    },
    {
      Sid      = "CreateEniInConfiguredSubnets"
      Effect   = "Allow"
      Action   = ["ec2:CreateNetworkInterface"]
      Resource = concat(["${ARN}:network-interface/*"], [for s in var.vpc_subnet_ids : "${ARN}:subnet/\${s}"])
    },
    {
      Sid       = "AttachSecurityGroupsOfConfiguredVpc"
      Effect    = "Allow"
      Action    = ["ec2:CreateNetworkInterface"]
      Resource  = ["${ARN}:security-group/*"]
      Condition = ${IN_VPC}
    },
    {
      Sid       = "ManageEnisInConfiguredVpc"
      Effect    = "Allow"
      Action    = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      Resource  = ["${ARN}:network-interface/*"]
      Condition = ${IN_VPC}
    }
  ]
})}`;
