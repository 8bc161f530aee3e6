import { Text } from "ink";
import { render } from "ink-testing-library";
import { expect, it } from "vitest";

it("renders Ink components under the project's toolchain", () => {
  const { lastFrame } = render(<Text>hello from ink</Text>);
  expect(lastFrame()).toBe("hello from ink");
});
