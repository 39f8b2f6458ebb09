/** Field data types the simulator can check (a subset of Zoho's `data_type` values). */
export type ZohoFieldType =
  'text' | 'textarea' | 'email' | 'integer' | 'double' | 'boolean' | 'date' | 'datetime' | 'lookup' | 'picklist';

const MAX_LENGTH: Partial<Record<ZohoFieldType, number>> = { text: 255, textarea: 2000, email: 100, picklist: 255 };

/**
 * Checks one value against its field type; null always passes (clears the field). Returns the `details` of an
 * INVALID_DATA error (`expected_data_type` or `maximum_length`, as in the v8 examples quoted in docs/api-facts.md §1d:
 * https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html "Possible Errors"), or null when valid.
 * Text limits: 255 for single line, 2000 for BTEC_Grades.Feedback-style text areas (docs/zoho-fields.md §1.9).
 */
export function validateFieldValue(type: ZohoFieldType, value: unknown): Record<string, unknown> | null {
  if (value === null) return null;
  const wrong = { expected_data_type: type };
  switch (type) {
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
        ? null
        : wrong;
    case 'double':
      return typeof value === 'number' ||
        (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        ? null
        : wrong;
    case 'boolean':
      return typeof value === 'boolean' ? null : wrong;
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : wrong;
    case 'datetime':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/.test(value)
        ? null
        : wrong;
    case 'lookup':
      return typeof value === 'string' || (typeof value === 'object' && !Array.isArray(value) && 'id' in value)
        ? null
        : wrong;
    default: {
      if (typeof value !== 'string' && typeof value !== 'number') return wrong;
      const max = MAX_LENGTH[type] ?? 255;
      if (String(value).length > max) return { maximum_length: max };
      if (type === 'email' && !/^[^@\s]+@[^@\s]+$/.test(String(value))) return wrong;
      return null;
    }
  }
}
