// The one way the analysis gives up: a construct it cannot judge. analyze.ts turns it into
// `{ kind: "unparsable", reason }`, which the permission engine treats as "ask".

export class Unparsable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "Unparsable";
  }
}
