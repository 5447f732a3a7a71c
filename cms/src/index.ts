export default {
  /** Runs before the app is initialised: extensions and custom fields register here. */
  register() {},
  /** Runs once the app is up: roles, tokens and seed data are set up here by later issues. */
  bootstrap() {},
};
