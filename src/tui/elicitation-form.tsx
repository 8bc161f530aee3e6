// The inline form for an MCP server's elicitation request: one row per requested field (text and
// numbers typed, a checkbox toggled with Space, an option picked with ←→, several picked with ←→
// and Space), then Accept, Decline and Cancel. It owns the keyboard while shown, like the permission question; Esc cancels.

import { Box, Text, useInput } from "ink";
import { useState } from "react";
import {
  formContent,
  type FieldValue,
  type FormContent,
  type FormField,
} from "./elicitation-model.ts";
import type { PendingElicitation } from "./mcp-ui.ts";
import { useRenderSettings } from "./render/index.ts";

export type ElicitationAnswer =
  { action: "accept"; content: FormContent } | { action: "decline" } | { action: "cancel" };

export interface ElicitationFormProps {
  request: PendingElicitation;
  onAnswer: (answer: ElicitationAnswer) => void;
  /** Ctrl+C: the app's usual meaning (stop the run; twice exits). */
  onCtrlC: () => void;
  width: number;
}

const buttons = ["Accept", "Decline", "Cancel"] as const;

export function ElicitationForm({ request, onAnswer, onCtrlC, width }: ElicitationFormProps) {
  const { color } = useRenderSettings();
  const { fields } = request.form;
  const [values, setValues] = useState<FieldValue[]>(() => [...request.form.initial]);
  const [row, setRowState] = useState(0);
  // Which option of a multiple-choice row ←→ is on.
  const [option, setOption] = useState(0);
  const setRow = (next: number): void => {
    setRowState(next);
    setOption(0);
  };
  const [error, setError] = useState<string | undefined>(undefined);
  const rows = fields.length + buttons.length;

  const setValue = (index: number, value: FieldValue): void => {
    setValues(values.map((v, i) => (i === index ? value : v)));
    setError(undefined);
  };
  const submit = (): void => {
    const answer = formContent(request.form, values);
    if (answer.type === "ok") onAnswer({ action: "accept", content: answer.content });
    else {
      setError(answer.message);
      setRow(answer.field);
    }
  };
  const press = (index: number): void => {
    if (index < fields.length) setRow(index + 1);
    else if (index === fields.length) submit();
    else onAnswer({ action: index === fields.length + 1 ? "decline" : "cancel" });
  };

  useInput((input, key) => {
    if (key.ctrl && input === "c") {
      onCtrlC();
      return;
    }
    if (key.escape) {
      onAnswer({ action: "cancel" });
      return;
    }
    if (key.upArrow || (key.tab && key.shift)) {
      setRow((row + rows - 1) % rows);
      return;
    }
    if (key.downArrow || key.tab) {
      setRow((row + 1) % rows);
      return;
    }
    if (key.return) {
      press(row);
      return;
    }
    const field = fields[row];
    const value = values[row];
    if (!field || value === undefined) {
      if (key.leftArrow) setRow(Math.max(fields.length, row - 1));
      if (key.rightArrow) setRow(Math.min(rows - 1, row + 1));
      return;
    }
    if (field.type === "multi") {
      const count = field.options.length;
      if (key.rightArrow) setOption((option + 1) % count);
      else if (key.leftArrow) setOption((option + count - 1) % count);
      else if (input === " ") {
        const chosen = Array.isArray(value) ? (value as readonly number[]) : [];
        setValue(
          row,
          chosen.includes(option) ? chosen.filter((i) => i !== option) : [...chosen, option],
        );
      }
      return;
    }
    edit(field, value, input, key, (next) => setValue(row, next));
  });

  const accent = color ? "cyan" : undefined;
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={accent}
      paddingX={1}
      width={Math.max(20, width)}
    >
      <Text bold color={accent}>{`MCP server "${request.server}" asks:`}</Text>
      <Text>{request.message}</Text>
      <Box flexDirection="column" marginTop={1}>
        {fields.map((field, index) => (
          <FieldRow
            key={field.name}
            field={field}
            value={values[index]}
            selected={index === row}
            option={option}
          />
        ))}
      </Box>
      <Box marginTop={1}>
        {buttons.map((label, i) => {
          const selected = row === fields.length + i;
          return (
            <Text key={label} bold={selected} inverse={selected}>
              {` ${label} `}
            </Text>
          );
        })}
      </Box>
      {error !== undefined ? <Text color={color ? "red" : undefined}>{error}</Text> : null}
      <Text dimColor>
        ↑↓ or Tab to move · type to fill · Space toggles · ←→ choose · Enter · Esc to cancel
      </Text>
    </Box>
  );
}

interface KeyInfo {
  leftArrow: boolean;
  rightArrow: boolean;
  backspace: boolean;
  delete: boolean;
  ctrl: boolean;
  meta: boolean;
}

/** One key applied to the selected field's value. */
function edit(
  field: FormField,
  value: FieldValue,
  input: string,
  key: KeyInfo,
  set: (value: FieldValue) => void,
): void {
  switch (field.type) {
    case "boolean":
      if (input === " " || key.leftArrow || key.rightArrow) set(value !== true);
      return;
    case "enum": {
      const count = field.options.length;
      const current = typeof value === "number" ? value : -1;
      if (key.rightArrow || input === " ") set((current + 1) % count);
      else if (key.leftArrow) set(current <= 0 ? count - 1 : current - 1);
      return;
    }
    case "multi":
      // Needs the option under the cursor: handled by the form.
      return;
    case "string":
    case "number": {
      const text = typeof value === "string" ? value : "";
      if (key.backspace || key.delete) set(text.slice(0, -1));
      else if (!key.ctrl && !key.meta && input !== "") set(text + input.replace(/[\r\n]+/g, " "));
      return;
    }
    default: {
      const never: never = field;
      return never;
    }
  }
}

function FieldRow({
  field,
  value,
  selected,
  option,
}: {
  field: FormField;
  value: FieldValue | undefined;
  selected: boolean;
  option: number;
}) {
  const shown = (() => {
    switch (field.type) {
      case "boolean":
        return value === true ? "[x]" : "[ ]";
      case "enum": {
        const chosen = typeof value === "number" ? field.options[value] : undefined;
        return `◀ ${chosen?.label ?? "(choose)"} ▶`;
      }
      case "multi": {
        const chosen = Array.isArray(value) ? (value as readonly number[]) : [];
        return field.options
          .map(
            (o, i) =>
              `${selected && i === option ? "›" : " "}[${chosen.includes(i) ? "x" : " "}] ${o.label}`,
          )
          .join(" ");
      }
      default:
        return typeof value === "string" ? value : "";
    }
  })();
  const typed = field.type === "string" || field.type === "number";
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" {...(selected ? { bold: true } : {})}>
        {selected ? "❯ " : "  "}
        {`${field.label}${field.required ? "*" : ""}: `}
        <Text>{shown}</Text>
        {selected && typed ? "▏" : ""}
      </Text>
      {selected && field.description !== undefined ? (
        <Text dimColor wrap="truncate-end">{`    ${field.description}`}</Text>
      ) : null}
    </Box>
  );
}
