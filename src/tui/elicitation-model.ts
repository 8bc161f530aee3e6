// The form an MCP elicitation request asks the user to fill, without Ink: its fields read from
// the request's `requestedSchema` (string, number/integer, boolean, single and multiple choice;
// defaults pre-filled),
// and the answer checked against it. Not for drawing or keys (elicitation-form.tsx).

import * as z from "zod/mini";

export type FormField =
  | (FieldBase & { type: "string"; minLength?: number; maxLength?: number; format?: string })
  | (FieldBase & { type: "number"; integer: boolean; minimum?: number; maximum?: number })
  | (FieldBase & { type: "boolean" })
  | (FieldBase & { type: "enum"; options: Option[] })
  | (FieldBase & { type: "multi"; options: Option[]; minItems?: number; maxItems?: number });

interface Option {
  value: string;
  label: string;
}

interface FieldBase {
  name: string;
  /** The title, else the name. */
  label: string;
  description?: string;
  required: boolean;
}

/**
 * A field's value while editing: typed text, a checkbox, the chosen option's index (-1: none),
 * or the indexes of the chosen options.
 */
export type FieldValue = string | boolean | number | readonly number[];

/** What an accepted form sends back, per field name. */
export type FormContent = Record<string, string | number | boolean | string[]>;

export interface ElicitationForm {
  fields: FormField[];
  /** Pre-filled from the schema's defaults. */
  initial: FieldValue[];
}

const choices = z.array(z.object({ const: z.string(), title: z.optional(z.string()) }));

const property = z.object({
  type: z.optional(z.string()),
  title: z.optional(z.string()),
  description: z.optional(z.string()),
  enum: z.optional(z.array(z.string())),
  enumNames: z.optional(z.array(z.string())),
  oneOf: z.optional(choices),
  items: z.optional(
    z.object({ enum: z.optional(z.array(z.string())), anyOf: z.optional(choices) }),
  ),
  minItems: z.optional(z.number()),
  maxItems: z.optional(z.number()),
  default: z.optional(z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
  minimum: z.optional(z.number()),
  maximum: z.optional(z.number()),
  minLength: z.optional(z.number()),
  maxLength: z.optional(z.number()),
  format: z.optional(z.string()),
});

const request = z.object({
  message: z.string(),
  requestedSchema: z.object({
    type: z.optional(z.literal("object")),
    properties: z.record(z.string(), property),
    required: z.optional(z.array(z.string())),
  }),
});

export type ParsedForm =
  { type: "form"; message: string; form: ElicitationForm } | { type: "error"; message: string };

/** The form for a request, or what about the request it cannot show. */
export function parseElicitationForm(params: unknown): ParsedForm {
  const parsed = request.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      type: "error",
      message: `${issue?.path.join(".") || "request"}: ${issue?.message ?? "invalid"}`,
    };
  }
  const required = new Set(parsed.data.requestedSchema.required ?? []);
  const fields: FormField[] = [];
  const initial: FieldValue[] = [];
  for (const [name, schema] of Object.entries(parsed.data.requestedSchema.properties)) {
    const base: FieldBase = {
      name,
      label: schema.title ?? name,
      ...(schema.description !== undefined ? { description: schema.description } : {}),
      required: required.has(name),
    };
    const options =
      schema.oneOf?.map((o) => ({ value: o.const, label: o.title ?? o.const })) ??
      schema.enum?.map((value, i) => ({ value, label: schema.enumNames?.[i] ?? value }));
    const items = schema.items;
    const multi =
      items?.anyOf?.map((o) => ({ value: o.const, label: o.title ?? o.const })) ??
      items?.enum?.map((value) => ({ value, label: value }));
    if (schema.type === "array" && multi) {
      fields.push({
        ...base,
        type: "multi",
        options: multi,
        ...(schema.minItems !== undefined ? { minItems: schema.minItems } : {}),
        ...(schema.maxItems !== undefined ? { maxItems: schema.maxItems } : {}),
      });
      const chosen = Array.isArray(schema.default) ? schema.default : [];
      initial.push(multi.flatMap((o, i) => (chosen.includes(o.value) ? [i] : [])));
    } else if (options) {
      fields.push({ ...base, type: "enum", options });
      initial.push(options.findIndex((o) => o.value === schema.default));
    } else if (schema.type === "string") {
      fields.push({
        ...base,
        type: "string",
        ...(schema.minLength !== undefined ? { minLength: schema.minLength } : {}),
        ...(schema.maxLength !== undefined ? { maxLength: schema.maxLength } : {}),
        ...(schema.format !== undefined ? { format: schema.format } : {}),
      });
      initial.push(typeof schema.default === "string" ? schema.default : "");
    } else if (schema.type === "number" || schema.type === "integer") {
      fields.push({
        ...base,
        type: "number",
        integer: schema.type === "integer",
        ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
        ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
      });
      initial.push(typeof schema.default === "number" ? String(schema.default) : "");
    } else if (schema.type === "boolean") {
      fields.push({ ...base, type: "boolean" });
      initial.push(schema.default === true);
    } else if (base.required) {
      return {
        type: "error",
        message: `requestedSchema.properties.${name}: type ${schema.type ?? "(none)"} is not one of string, number, integer, boolean, an enum or an array of enum values`,
      };
    }
    // An optional field of a kind the form cannot edit is left out of the answer.
  }
  return { type: "form", message: parsed.data.message, form: { fields, initial } };
}

export type FormAnswer =
  { type: "ok"; content: FormContent } | { type: "invalid"; field: number; message: string };

/** The `content` to accept with, or the first field that is not right and why. */
export function formContent(form: ElicitationForm, values: readonly FieldValue[]): FormAnswer {
  const content: FormContent = {};
  for (const [index, field] of form.fields.entries()) {
    const value = values[index];
    const invalid = (message: string): FormAnswer => ({
      type: "invalid",
      field: index,
      message: `${field.label}: ${message}`,
    });
    switch (field.type) {
      case "boolean":
        content[field.name] = value === true;
        break;
      case "enum": {
        const option = typeof value === "number" ? field.options[value] : undefined;
        if (option) content[field.name] = option.value;
        else if (field.required) return invalid("choose one");
        break;
      }
      case "multi": {
        const chosen = Array.isArray(value) ? (value as readonly number[]) : [];
        const picked = field.options.filter((_, i) => chosen.includes(i)).map((o) => o.value);
        if (picked.length === 0 && !field.required) break;
        if (field.minItems !== undefined && picked.length < field.minItems)
          return invalid(`choose at least ${field.minItems}`);
        if (field.maxItems !== undefined && picked.length > field.maxItems)
          return invalid(`choose at most ${field.maxItems}`);
        content[field.name] = picked;
        break;
      }
      case "string": {
        const text = typeof value === "string" ? value : "";
        if (text === "") {
          if (field.required) return invalid("required");
          break;
        }
        if (field.minLength !== undefined && text.length < field.minLength)
          return invalid(`at least ${field.minLength} characters`);
        if (field.maxLength !== undefined && text.length > field.maxLength)
          return invalid(`at most ${field.maxLength} characters`);
        content[field.name] = text;
        break;
      }
      case "number": {
        const text = typeof value === "string" ? value.trim() : "";
        if (text === "") {
          if (field.required) return invalid("required");
          break;
        }
        const number = Number(text);
        if (!Number.isFinite(number)) return invalid(`expected a number, got "${text}"`);
        if (field.integer && !Number.isInteger(number)) return invalid("expected a whole number");
        if (field.minimum !== undefined && number < field.minimum)
          return invalid(`at least ${field.minimum}`);
        if (field.maximum !== undefined && number > field.maximum)
          return invalid(`at most ${field.maximum}`);
        content[field.name] = number;
        break;
      }
      default: {
        const never: never = field;
        return never;
      }
    }
  }
  return { type: "ok", content };
}
