/** A missing tool or setting, reported as one message saying what to install or which variable to set. */
export class MissingPrerequisite extends Error {
  override name = "MissingPrerequisite";
}
