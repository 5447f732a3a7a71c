/** The account's strings in English (password, e-mail, mail, export, deletion, and the pages mailed links open). */

type LinkProblem = { title: string; body: string };

export const accountEn = {
  forgotLink: "Forgot your password?",
  forgotTitle: "Forgot your password?",
  forgotDescription: "Get a link to set a new password for your Inkstone account.",
  forgotIntro:
    "Enter your account's e-mail address. We send a link to set a new password: it works once, within 30 minutes.",
  forgotSubmit: "Send me a link",
  forgotSentTitle: "Check your inbox",
  forgotSent:
    "If an account has this address, a link to set a new password is on its way. It works once, within 30 minutes. Nothing after a few minutes? Look in your spam folder, or ask again.",
  forgotAgain: "Ask for another link",

  resetTitle: "Set a new password",
  resetDescription: "Choose a new password for your Inkstone account.",
  resetIntro: (email: string) =>
    `For the account at ${email}. Every device signed in to it is signed out; then you sign in with the new password.`,
  newPassword: "New password",
  repeatPassword: "New password, again",
  resetSubmit: "Set the new password",
  resetDone: "Your password is changed and you are signed out everywhere. Sign in with your new password.",
  resetNotDone: "Your password was not changed.",

  verifyTitle: "Confirm your e-mail address",
  verifyDescription: "Confirm the e-mail address of your Inkstone account.",
  verifyIntro: (email: string) => `Confirm that ${email} is your address. Then you can comment, ask and write.`,
  verifySubmit: "Confirm my address",
  verified: "Your e-mail address is confirmed. Thank you!",
  verifyNotDone: "Your address was not confirmed.",

  confirmEmailTitle: "Confirm your new e-mail address",
  confirmEmailDescription: "Confirm the new e-mail address of your Inkstone account.",
  confirmEmailIntro: (email: string) =>
    `Use ${email} for your Inkstone account from now on: mail goes there, and you can sign in with it.`,
  confirmEmailSubmit: "Use this address",
  emailChanged: (email: string) => `Your e-mail address is now ${email}.`,
  emailNotChanged: "Your e-mail address was not changed.",

  unsubscribeTitle: "Unsubscribe",
  unsubscribeDescription: "Stop an e-mail from Inkstone.",
  unsubscribeIntro:
    "Stop these e-mails with one click. You can choose which e-mails you get, and how often, in Settings at any time.",
  unsubscribeSubmit: "Unsubscribe",
  unsubscribed: (what: string, email: string) =>
    email ? `You will get no more e-mails about ${what} at ${email}.` : `You will get no more e-mails about ${what}.`,
  unsubscribeBroken:
    "This unsubscribe link is incomplete or does not work. Copy the whole link from the e-mail, or choose your e-mails in Settings.",
  unsubscribeDone: "Done. You can change this again in Settings.",
  mailSettings: "Choose your e-mails in Settings",

  /** What each kind of link's problem is, and what to do. */
  links: {
    "password-reset": {
      expired: {
        title: "This link has expired",
        body: "A link to set a new password works for 30 minutes. Ask for a new one: it takes a moment.",
      },
      used: {
        title: "This link was already used",
        body: "Each link works once. If you did not set a new password yourself, ask for a new link and set one now.",
      },
      invalid: {
        title: "This link does not work",
        body: "It may have been copied incompletely, or a newer link replaced it. Ask for a new one.",
      },
    },
    "verify-email": {
      expired: {
        title: "This link has expired",
        body: "A link to confirm your address works for 48 hours. Sign in, and send a new one from the banner at the top of the page.",
      },
      used: {
        title: "This link was already used",
        body: "Your address is probably confirmed already. If the banner at the top of the page still asks you to, send a new link from it.",
      },
      invalid: {
        title: "This link does not work",
        body: "It may have been copied incompletely, or a newer link replaced it. Sign in and send a new one from the banner at the top of the page.",
      },
    },
    "email-change": {
      expired: {
        title: "This link has expired",
        body: "A link to confirm a new address works for 24 hours. Your address was not changed; change it again in Settings.",
      },
      used: {
        title: "This link was already used",
        body: "Each link works once: the address was probably changed already. Settings show your current address.",
      },
      invalid: {
        title: "This link does not work",
        body: "It may have been copied incompletely, or a newer link replaced it. Change your address again in Settings.",
      },
    },
  } satisfies Record<string, Record<"expired" | "used" | "invalid", LinkProblem>>,
  askAgain: "Ask for a new link",
  toSettings: "Go to Settings",
  toSignIn: "Sign in",

  banner: "Confirm your e-mail address: we sent a link to",
  bannerYourAddress: "your address",
  bannerAfter: "Until then you can read, but not comment, ask or write.",
  resend: "Send a new link",
  resent: "A new link is on its way. Links sent before no longer work.",
  alreadyVerified: "Your e-mail address is already confirmed.",
  unverified: "Confirm your e-mail address first: open the link we sent you, then try again. No mail? Send a new link.",

  passwordTitle: "Password",
  currentPassword: "Current password",
  passwordSubmit: "Change password",
  passwordChanged: (ended: number) =>
    ended === 0
      ? "Your password is changed."
      : ended === 1
        ? "Your password is changed, and your other session has ended."
        : `Your password is changed, and your ${ended} other sessions have ended.`,
  passwordHint: "8 to 200 characters. Every other device signed in to your account is signed out.",

  emailTitle: "E-mail address",
  newEmail: "New e-mail address",
  emailHint:
    "We send a link to the new address, and a notice to the current one. Nothing changes until the link is opened (within 24 hours).",
  emailSubmit: "Change e-mail address",
  emailSent: (email: string) => `We sent a link to ${email}. Your address changes when you open it.`,

  mailTitle: "E-mail from Inkstone",
  mailIntro: "Choose which e-mails you get, and how often. Each e-mail also has a link to stop it.",
  mailUnavailable: "Your e-mail choices cannot be shown right now. Try again in a moment.",
  categories: {
    replies: "Comments on your articles and replies to your comments",
    follows: "New followers",
    reviews: "Editors' decisions on your drafts",
    runs: "Finished generation runs",
  },
  /** The same, inside a sentence ("no more e-mails about …"). */
  categoryNames: {
    replies: "comments and replies",
    follows: "new followers",
    reviews: "decisions on your drafts",
    runs: "finished runs",
    all: "anything",
  },
  frequencies: { immediate: "Immediately", daily: "In a daily digest", never: "Never" },
  mailSubmit: "Save e-mail choices",
  mailSaved: "Your e-mail choices are saved.",

  exportTitle: "Download my data",
  exportIntro:
    "One zip archive of everything you made here: your profile, articles and drafts as Markdown, comments, likes, bookmarks, follows and conversations.",
  exportSubmit: "Download my data",

  deleteTitle: "Delete my account",
  deleteWarning:
    "This cannot be undone. You are signed out everywhere, your queued and running generations are cancelled, and your personal data is erased. Published articles stay, with an anonymous author, unless an editor removes them.",
  deleteComments: "Your comments",
  deleteKeep: "Keep them, shown as by “deleted member”",
  deleteRemove: "Remove them",
  deletePassword: "Your password, to confirm",
  deleteSubmit: "Delete my account for good",
  deleted: "Your account is deleted. Thank you for having been part of Inkstone.",

  deletedMember: "Deleted member",

  errors: {
    wrongPassword: "That is not your current password.",
    password: "Between 8 and 200 characters.",
    passwordsDiffer: "The two passwords differ. Type the same new password twice.",
    email: "Enter an e-mail address.",
    emailTaken: "Another account uses this address.",
    emailTakenSince: "Another account took this address meanwhile, so yours was not changed.",
    sameEmail: "That is already your address.",
    frequency: "Choose immediately, a daily digest or never.",
    comments: "Choose whether to keep or remove your comments.",
    fix: "Please fix the fields marked below.",
  },
};
