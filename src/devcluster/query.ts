/**
 * Boolean query parameters read as kube-apiserver reads them: its query
 * conversion (apimachinery's Convert_Slice_string_To_bool) takes an absent
 * parameter, `0` and any spelling of `false` as false and every other value,
 * the empty string included, as true. Clients rely on it: the Python client
 * sends `watch=True`.
 */

/** Whether the query parameter `value` (null when absent) means true. */
export function queryFlag(value: string | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  return value !== '0' && value.toLowerCase() !== 'false';
}
