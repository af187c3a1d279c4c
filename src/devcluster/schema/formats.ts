/**
 * String formats that CRD schemas use, checked as the real server's format
 * registry checks them (a string that does not parse is a type error:
 * `must be of type date-time: "x"`). Formats not listed here are accepted,
 * as are the numeric formats int32/int64/float/double (the real server does
 * not range-check them either).
 */

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HOSTNAME =
  /^(?=.{1,255}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;
const BYTE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DURATION = /^(-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+|0)$/;

const CHECKS: Record<string, (s: string) => boolean> = {
  date: (s) => DATE.test(s),
  'date-time': (s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))),
  datetime: (s) => DATE_TIME.test(s),
  uuid: (s) => UUID.test(s),
  ipv4: (s) => IPV4.test(s),
  ipv6: (s) => s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s),
  hostname: (s) => HOSTNAME.test(s),
  byte: (s) => BYTE.test(s),
  duration: (s) => DURATION.test(s),
};

/** True when `s` satisfies `format`, or the format is not one this module checks. */
export function checkFormat(format: string, s: string): boolean {
  const check = CHECKS[format];
  return check ? check(s) : true;
}
