/**
 * The `format` values a result is checked against, each in time linear in
 * the value: grammar checks run on the linear-time engine, URLs and IP
 * addresses through Node's own parsers. Formats not listed here are
 * annotations, as JSON Schema 2020-12 makes every format by default.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { linearRegExp, linearRegExpProblem, type LinearRegExp } from './linear-regexp';

type FormatCheck = (value: string) => boolean;

const grammar = (pattern: string): FormatCheck => {
  let compiled: LinearRegExp | undefined;
  return (value) => (compiled ??= linearRegExp(pattern)).test(value);
};

const DATE = grammar('^(\\d{4})-(\\d{2})-(\\d{2})$');
const TIME = grammar('^([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d+)?([zZ]|[+-]([01]\\d|2[0-3]):[0-5]\\d)$');
const DURATION = grammar('^P((\\d+Y)?(\\d+M)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?|\\d+W)$');
const EMAIL = grammar("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$");
const HOSTNAME_LABEL = grammar('^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$');
const UUID = grammar('^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$');
const JSON_POINTER = grammar('^(/([^~/]|~[01])*)*$');
const RELATIVE_JSON_POINTER = grammar('^(0|[1-9]\\d*)(#|(/([^~/]|~[01])*)*)$');
const URI_SCHEME = grammar('^[A-Za-z][A-Za-z0-9+.-]*:');
const NO_SPACE_OR_CONTROL = grammar('^[^\\s\\x00-\\x1f\\x7f]*$');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(value: string): boolean {
  if (!DATE(value)) return false;
  const [year, month, day] = value.split('-').map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

function isHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length >= 1 && name.length <= 253 && name.split('.').every((label) => HOSTNAME_LABEL(label));
}

function isUri(value: string): boolean {
  return URI_SCHEME(value) && NO_SPACE_OR_CONTROL(value) && URL.canParse(value);
}

export const FORMATS: Readonly<Record<string, FormatCheck>> = {
  date: isDate,
  time: TIME,
  'date-time': (value) => {
    const at = value.search(/[Tt]/);
    return at === 10 && isDate(value.slice(0, 10)) && TIME(value.slice(11));
  },
  duration: (value) => value !== 'P' && !value.endsWith('T') && DURATION(value),
  email: (value) => value.length <= 254 && EMAIL(value),
  hostname: isHostname,
  ipv4: (value) => isIPv4(value),
  ipv6: (value) => isIPv6(value),
  uri: isUri,
  'uri-reference': (value) => NO_SPACE_OR_CONTROL(value) && URL.canParse(value, 'http://reference.invalid/'),
  url: (value) => isUri(value) && /^(https?|ftp):/i.test(value),
  uuid: UUID,
  'json-pointer': JSON_POINTER,
  'relative-json-pointer': RELATIVE_JSON_POINTER,
  regex: (value) => linearRegExpProblem(value) === undefined,
};
