import { describe, expect, it } from "vitest";
import { cellWidth, firstVisibleRow, layoutText } from "./layout.ts";

function rowsOf(
  text: string,
  cursor: number,
  width: number,
): { rows: string[]; cursorRow: number } {
  const layout = layoutText(text, cursor, width);
  return { rows: layout.rows.map((r) => text.slice(r.start, r.end)), cursorRow: layout.cursorRow };
}

describe("layout", () => {
  it("gives each line a row, and an empty text one empty row", () => {
    expect(rowsOf("ab\ncd", 4, 10)).toEqual({ rows: ["ab", "cd"], cursorRow: 1 });
    expect(rowsOf("", 0, 10)).toEqual({ rows: [""], cursorRow: 0 });
    expect(rowsOf("ab\n", 3, 10)).toEqual({ rows: ["ab", ""], cursorRow: 1 });
  });

  it("wraps long lines at spaces when it can, else mid-word", () => {
    expect(rowsOf("hello big world", 0, 10).rows).toEqual(["hello big ", "world"]);
    expect(rowsOf("abcdefghijkl", 0, 5).rows).toEqual(["abcde", "fghij", "kl"]);
  });

  it("puts the cursor at a wrap point on the next row, at a line's end on its last row", () => {
    expect(rowsOf("abcdefghij", 5, 5).cursorRow).toBe(1);
    expect(rowsOf("abcdefghij", 10, 5).cursorRow).toBe(1);
    expect(rowsOf("abcde\nx", 5, 5).cursorRow).toBe(0);
  });

  it("counts wide characters as two cells", () => {
    expect(cellWidth("界")).toBe(2);
    expect(cellWidth("a")).toBe(1);
    expect(rowsOf("界界界", 0, 4).rows).toEqual(["界界", "界"]);
  });

  it("scrolls as little as needed to keep the cursor in view", () => {
    expect(firstVisibleRow(5, 4, 0, 10)).toBe(0);
    expect(firstVisibleRow(20, 19, 0, 10)).toBe(10);
    expect(firstVisibleRow(20, 12, 10, 10)).toBe(10);
    expect(firstVisibleRow(20, 8, 10, 10)).toBe(8);
  });
});
