// Public face of the core: messages, stream events, agent events, usage, token estimates,
// errors, ids, validation messages. No I/O.
export * from "./messages.ts";
export type * from "./stream.ts";
export type * from "./events.ts";
export * from "./usage.ts";
export * from "./token-estimate.ts";
export * from "./errors.ts";
export * from "./ids.ts";
export * from "./validation-messages.ts";
export * from "./plain-object.ts";
