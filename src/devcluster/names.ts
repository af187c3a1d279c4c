/**
 * Object names as the API server checks them: DNS-1123 subdomains for most
 * kinds, DNS-1123 labels for namespaces, with the real server's wording.
 * Also `generateName` suffixes.
 */
import { randomInt } from 'node:crypto';
import type { InvalidField } from './errors.js';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** The errors for `name` (empty when valid). */
export function validateName(
  name: string,
  kind: 'label' | 'subdomain',
  field = 'metadata.name',
): InvalidField[] {
  const max = kind === 'label' ? 63 : 253;
  const bad = (detail: string): InvalidField => ({
    type: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${JSON.stringify(name)}: ${detail}`,
  });
  const errors: InvalidField[] = [];
  if (name.length > max) errors.push(bad(`must be no more than ${max} characters`));
  if (!(kind === 'label' ? LABEL : SUBDOMAIN).test(name))
    errors.push(bad(kind === 'label' ? LABEL_MSG : SUBDOMAIN_MSG));
  return errors;
}

/** Letters the real server uses for generated suffixes (no vowels, no look-alikes). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `prefix` plus five random characters, trimmed as the real server trims long prefixes. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return prefix.slice(0, 58) + suffix;
}
