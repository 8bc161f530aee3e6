// English messages for zod validation issues ("Too small: expected string to have >=1 characters").
// Not a schema helper: schemas import zod/mini directly.

import { config } from "zod/mini";
// The one locale, not `z.locales`: reaching through that namespace bundles all 63 (~360 KB).
import { en } from "zod/locales";

/**
 * zod mini carries no messages, so without this every issue reads just "Invalid input". Classic
 * zod installs English the same way on first use: only when the host has not chosen a locale.
 * Idempotent; call it at the top of any module that parses input with a zod schema.
 */
export function useEnglishValidationMessages(): void {
  if (config().localeError === undefined) config(en());
}
