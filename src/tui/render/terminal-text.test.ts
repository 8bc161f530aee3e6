import { describe, expect, it } from "vitest";
import {
  displayWidth,
  expandTabs,
  sanitizeText,
  takeFirstColumns,
  takeLastColumns,
  truncateToWidth,
} from "./terminal-text.ts";

describe("terminal-text", () => {
  it("removes CSI and OSC sequences (colours, cursor moves, clipboard writes) and controls", () => {
    expect(
      sanitizeText(
        "a\u001b[2J\u001b[31mb\u001b]52;c;aGk=\u0007c\u001b]8;;http://x\u001b\\d\re\u0007",
      ),
    ).toBe("abcde");
    expect(sanitizeText("keeps\ttabs\nand lines")).toBe("keeps\ttabs\nand lines");
  });

  it("expands tabs to the next stop, counting from the line start", () => {
    expect(expandTabs("a\tb")).toBe("a   b");
    expect(expandTabs("\tx\nab\ty", 4)).toBe("    x\nab  y");
  });

  it("counts wide characters as two columns and combining marks as none", () => {
    expect(displayWidth("abc")).toBe(3);
    expect(displayWidth("漢字")).toBe(4);
    expect(displayWidth("e\u0301")).toBe(1);
    expect(displayWidth("🙂")).toBe(2);
  });

  it("cuts to a width from either end", () => {
    expect(truncateToWidth("abcdef", 4)).toBe("abc…");
    expect(truncateToWidth("abc", 4)).toBe("abc");
    expect(takeFirstColumns("漢字かな", 5)).toBe("漢字");
    expect(takeLastColumns("abcdef", 4)).toBe("…def");
  });
});
