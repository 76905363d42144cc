/** Who reaches the function and how: Function URL auth, streaming, CORS, and the optional VPC. */
import { SECURITY_GROUP_NAME_VALIDATION } from './derived-names';
import { oneOf, type VariableSpec } from './variable-types';

export const ACCESS_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'invoke_mode',
    group: 'Function URL',
    type: 'string',
    default: 'BUFFERED',
    description: 'How the Function URL returns responses: "BUFFERED" (one JSON body) or "RESPONSE_STREAM" (server-sent events as tokens arrive).',
    validation: [
      oneOf('invoke_mode', ['BUFFERED', 'RESPONSE_STREAM']),
      {
        condition: '${var.invoke_mode != "RESPONSE_STREAM" || var.vpc_id == ""}',
        errorMessage:
          'invoke_mode "RESPONSE_STREAM" cannot be used with vpc_id: Lambda function URLs do not support response streaming for functions in a VPC (AWS Lambda developer guide, "VPC compatibility with response streaming"). Use invoke_mode = "BUFFERED" in a VPC, or leave vpc_id empty to stream.',
      },
    ],
  },
  {
    name: 'cors_allowed_origins',
    group: 'Function URL',
    type: 'list(string)',
    default: [],
    description: 'Browser origins allowed to call the Function URL, e.g. ["https://app.example.com"]. Empty allows none.',
    validation: [
      {
        condition: '${alltrue([for o in var.cors_allowed_origins : o == "*" || can(regex("^https?://[^/\\\\s]+$", o))])}',
        errorMessage: 'cors_allowed_origins must hold "*" or origins like "https://app.example.com" (scheme and host, no path, no trailing slash).',
      },
    ],
  },
  {
    name: 'vpc_id',
    group: 'VPC (optional)',
    type: 'string',
    default: '',
    description: 'VPC to place the function in, e.g. "vpc-0123456789abcdef0". Empty keeps the function outside any VPC.',
    validation: [
      {
        condition: '${var.vpc_id == "" || can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))}',
        errorMessage: 'vpc_id must be empty or a VPC id such as "vpc-0123456789abcdef0".',
      },
      {
        condition: '${var.vpc_id == "" || var.llm_provider == "bedrock" || var.nat_egress_enabled}',
        errorMessage:
          'llm_provider "anthropic" in a VPC needs internet egress: api.anthropic.com has no PrivateLink endpoint. Route the subnets through a NAT gateway and set nat_egress_enabled = true, or use llm_provider = "bedrock", which has one.',
      },
      {
        condition: '${var.vpc_id == "" || length(var.mcp_servers) == 0 || var.nat_egress_enabled}',
        errorMessage:
          'mcp_servers in a VPC need internet egress: the function reaches the servers over HTTPS through NAT. Route the subnets through a NAT gateway and set nat_egress_enabled = true, or remove mcp_servers (or vpc_id).',
      },
      SECURITY_GROUP_NAME_VALIDATION,
    ],
  },
  {
    name: 'vpc_subnet_ids',
    group: 'VPC (optional)',
    type: 'list(string)',
    default: [],
    description: 'Private subnets for the function and its interface endpoints (two or more Availability Zones recommended). Required with vpc_id.',
    validation: [
      {
        condition: '${alltrue([for s in var.vpc_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])}',
        errorMessage: 'vpc_subnet_ids must hold subnet ids such as "subnet-0123456789abcdef0".',
      },
      {
        condition: '${(var.vpc_id == "") == (length(var.vpc_subnet_ids) == 0)}',
        errorMessage: 'vpc_id and vpc_subnet_ids go together: set both to place the function in a VPC, or leave both empty.',
      },
    ],
  },
  {
    name: 'create_vpc_endpoints',
    group: 'VPC (optional)',
    type: 'bool',
    default: true,
    description:
      'Create the interface endpoints the functions need in the VPC (secretsmanager for anthropic, bedrock-runtime for bedrock, sqs with jobs, events with job events, logs, sts), with private DNS.',
  },
  {
    name: 'vpc_endpoint_ids',
    group: 'VPC (optional)',
    type: 'map(string)',
    default: {},
    description:
      'Existing interface endpoints to use instead of creating them, by service: keys among "secretsmanager", "bedrock-runtime", "sqs", "events", "logs", "sts"; values like "vpce-0123456789abcdef0".',
    validation: [
      {
        condition:
          '${alltrue([for k, v in var.vpc_endpoint_ids : contains(["secretsmanager", "bedrock-runtime", "sqs", "events", "logs", "sts"], k) && can(regex("^vpce-[0-9a-f]{8,17}$", v))])}',
        errorMessage:
          'vpc_endpoint_ids keys must be "secretsmanager", "bedrock-runtime", "sqs", "events", "logs" or "sts", and values endpoint ids such as "vpce-0123456789abcdef0".',
      },
    ],
  },
  {
    name: 'vpc_endpoint_security_group_ids',
    group: 'VPC (optional)',
    type: 'list(string)',
    default: [],
    description: 'Security groups guarding the existing endpoints in vpc_endpoint_ids; the function may send HTTPS to each.',
    validation: [
      {
        condition: '${alltrue([for g in var.vpc_endpoint_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", g))])}',
        errorMessage: 'vpc_endpoint_security_group_ids must hold security group ids such as "sg-0123456789abcdef0".',
      },
    ],
  },
  {
    name: 'vpc_route_table_ids',
    group: 'VPC (optional)',
    type: 'list(string)',
    default: [],
    description:
      'Route tables of vpc_subnet_ids. When the state table exists (sessions or budgets on), a DynamoDB gateway endpoint (free) is created on them and the function may send HTTPS to it. Leave empty when the route tables already have one: set vpc_dynamodb_prefix_list_id instead.',
    validation: [
      {
        condition: '${alltrue([for r in var.vpc_route_table_ids : can(regex("^rtb-[0-9a-f]{8,17}$", r))])}',
        errorMessage: 'vpc_route_table_ids must hold route table ids such as "rtb-0123456789abcdef0".',
      },
    ],
  },
  {
    name: 'vpc_dynamodb_prefix_list_id',
    group: 'VPC (optional)',
    type: 'string',
    default: '',
    description:
      'With the state table, when your route tables already have a DynamoDB gateway endpoint: the Region\'s DynamoDB prefix list ("pl-…", from `aws ec2 describe-prefix-lists`). The function may then send HTTPS to it, and no endpoint is created.',
    validation: [
      {
        condition: '${var.vpc_dynamodb_prefix_list_id == "" || can(regex("^pl-[0-9a-f]{8,17}$", var.vpc_dynamodb_prefix_list_id))}',
        errorMessage: 'vpc_dynamodb_prefix_list_id must be empty or a prefix list id such as "pl-02cd2c6b".',
      },
    ],
  },
  {
    name: 'nat_egress_enabled',
    group: 'VPC (optional)',
    type: 'bool',
    default: false,
    description:
      'Declare that the subnets reach the internet through a NAT gateway; allows HTTPS egress to 0.0.0.0/0, needed for api.anthropic.com (llm_provider "anthropic") and for mcp_servers, and used only by them.',
  },
];
