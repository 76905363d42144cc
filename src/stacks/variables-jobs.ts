/** Jobs: the worker function's size and the schedules that enqueue jobs (the settings table adds the rest of the group). */
import { derivedNameValidations, SCHEDULE_NAME_LIMIT } from './derived-names';
import { intRange, type VariableSpec } from './variable-types';

const GROUP = 'Jobs';

/** The attributes a schedule may have. */
const SCHEDULE_FIELDS = ['schedule_expression', 'timezone', 'request'];
/** HCL: a schedule's time zone, UTC when it names none. */
export const SCHEDULE_TIMEZONE = (s: string): string => `try(${s}.timezone, "UTC")`;
/**
 * HCL: a schedule's request as an object. A tfvars file gives an object (it
 * cannot call jsonencode); a module caller may still pass a JSON string.
 */
export const SCHEDULE_REQUEST = (s: string): string => `try(jsondecode(${s}.request), ${s}.request)`;

export const JOB_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'job_timeout_seconds',
    group: GROUP,
    type: 'number',
    default: 900,
    description: "The jobs worker's timeout, 10 to 900 seconds: a job's deadline. The queue's visibility timeout is six times it.",
    validation: [intRange('job_timeout_seconds', 10, 900, 'seconds')],
  },
  {
    name: 'job_concurrency',
    group: GROUP,
    type: 'number',
    default: 5,
    description: "Jobs run at once at most (the worker's reserved concurrency and the queue's maximum pollers), 2 to 1000. More wait in the queue.",
    validation: [intRange('job_concurrency', 2, 1000, 'jobs')],
  },
  {
    name: 'schedules',
    group: GROUP,
    // `any`, not map(object(...)): each schedule's request is an object of its own shape, which a map's single element type cannot hold.
    type: 'any',
    default: {},
    description:
      'EventBridge Scheduler schedules that enqueue jobs, by name: `schedule_expression` ("rate(1 day)", "cron(0 7 * * ? *)", "at(2026-12-01T09:00:00)"), optional `timezone` (IANA, default UTC), and `request`, the POST /agent body as an object ({ input = "..." }; a JSON string is accepted too). A job runs as the caller `schedule:<name>`. Needs async_jobs_enabled.',
    validation: [
      {
        condition: `\${can(keys(var.schedules)) && alltrue([for s in try(values(var.schedules), []) : can(keys(s)) && length(setsubtract(try(keys(s), []), ${JSON.stringify(SCHEDULE_FIELDS)})) == 0])}`,
        errorMessage:
          'schedules must be a map of schedule names to { schedule_expression = "...", timezone = "..." (optional), request = { input = "..." } }, with no other attributes.',
      },
      {
        condition: '${alltrue([for name in try(keys(var.schedules), []) : can(regex("^[A-Za-z0-9_.-]{1,64}$", name))])}',
        errorMessage: 'schedules: each name must be 1 to 64 letters, digits and "_ . -" (it becomes the caller id schedule:<name>).',
      },
      {
        condition: '${alltrue([for s in try(values(var.schedules), []) : can(regex("^(rate|cron|at)\\\\(.+\\\\)$", s.schedule_expression))])}',
        errorMessage: 'schedules: each schedule_expression must be "rate(...)", "cron(...)" or "at(...)", e.g. "rate(1 day)" or "cron(0 7 * * ? *)".',
      },
      {
        condition: `\${alltrue([for name in try(keys(var.schedules), []) : length(format("%s-%s", var.function_name, name)) <= ${SCHEDULE_NAME_LIMIT}])}`,
        errorMessage: `schedules: "<function_name>-<name>" names the EventBridge schedule, which allows ${SCHEDULE_NAME_LIMIT} characters: shorten the schedule names (or function_name).`,
      },
      ...derivedNameValidations('schedules'),
      {
        condition: `\${alltrue([for s in try(values(var.schedules), []) : can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$", ${SCHEDULE_TIMEZONE('s')}))])}`,
        errorMessage: 'schedules: each timezone must be an IANA time zone name such as "UTC", "Europe/Paris" or "America/Argentina/Buenos_Aires".',
      },
      {
        // Terraform's == converts no types: a number or an object is not equal to its tostring().
        condition: `\${alltrue([for s in try(values(var.schedules), []) : try(${SCHEDULE_REQUEST('s')}.input == tostring(${SCHEDULE_REQUEST('s')}.input) && length(${SCHEDULE_REQUEST('s')}.input) > 0, false)])}`,
        errorMessage:
          'schedules: each request must be the POST /agent body with an "input" string that is not empty, e.g. request = { input = "Write the daily report." }.',
      },
      {
        condition: '${length(var.schedules) == 0 || var.async_jobs_enabled}',
        errorMessage: 'schedules enqueue jobs: set async_jobs_enabled = true to use them.',
      },
    ],
  },
];
