// The instruction sent to the model for `cairn init` and `/init`: study the repository and write
// (or improve) the AGENTS.md at its root. Running it is the CLI's job.

export const initPrompt = `Study this repository and write an AGENTS.md file at its root: a short briefing for the coding agents and people who will work here after you. If an AGENTS.md already exists, improve it instead of starting over: keep what is still accurate, correct what is stale, add what is missing.

Find out, by reading files and not by guessing:
- How to install dependencies, build, run, test (the whole suite and a single test), lint, format and typecheck. Look at the package manifest or build files, Makefile or task runner, CI workflows and scripts, and note the exact commands.
- How the code is laid out: the main folders and what each holds, the entry points, and how the parts depend on each other, at a level a directory listing does not show.
- The conventions a newcomer would get wrong: style rules the formatter does not enforce, naming, error handling, how tests are written and where they live, generated files not to edit by hand, commit or pull-request rules.
- Instructions already written for people or other tools, such as CLAUDE.md, AGENTS.md files in subfolders, .cursorrules, .cursor/rules/, .github/copilot-instructions.md, CONTRIBUTING.md and the README. Carry over what is still true.

Then write AGENTS.md:
- Keep it short, well under 200 lines. Every line should save the reader time; leave out generic advice ("write clean code", "add tests") and anything obvious from a glance at the tree.
- Put commands in code blocks, exactly as they are run.
- Write only what you checked in this repository. If something matters but you could not confirm it, leave it out.
- Change no file other than AGENTS.md.

When you are done, summarise in a few lines what the file covers. If the repository also has a CLAUDE.md that repeats the same ground, say so and suggest replacing its content with the single line @AGENTS.md.`;
