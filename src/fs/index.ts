// Public face of the shared file-system primitives (errno tests, durable writes).
export { errnoCode, isErrnoCode, overwriteInPlace, replaceFile, syncFolder } from "./durable.ts";
