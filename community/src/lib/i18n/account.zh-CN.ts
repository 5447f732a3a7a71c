import type { accountEn } from "./account.en.ts";

/** 账户相关的简体中文文字（密码、邮箱、邮件、导出、注销，以及邮件中链接打开的页面）；键与 account.en.ts 一一对应。 */
export const accountZhCN: typeof accountEn = {
  forgotLink: "忘记密码？",
  forgotTitle: "忘记密码？",
  forgotDescription: "获取一个链接，为你的墨石账户设置新密码。",
  forgotIntro: "请输入账户的电子邮箱地址。我们会发送一个设置新密码的链接：只能使用一次，30 分钟内有效。",
  forgotSubmit: "发送链接",
  forgotSentTitle: "请查收邮件",
  forgotSent:
    "如果有账户使用这个地址，设置新密码的链接已经发出。链接只能使用一次，30 分钟内有效。几分钟后仍未收到？请查看垃圾邮件，或重新申请。",
  forgotAgain: "再申请一个链接",

  resetTitle: "设置新密码",
  resetDescription: "为你的墨石账户选择一个新密码。",
  resetIntro: (email: string) => `账户邮箱：${email}。设置后，所有设备上的登录都会结束，请用新密码重新登录。`,
  newPassword: "新密码",
  repeatPassword: "再次输入新密码",
  resetSubmit: "设置新密码",
  resetDone: "密码已修改，你已在所有设备上退出登录。请用新密码登录。",
  resetNotDone: "密码没有修改。",

  verifyTitle: "确认电子邮箱",
  verifyDescription: "确认你的墨石账户的电子邮箱地址。",
  verifyIntro: (email: string) => `确认 ${email} 是你的邮箱地址。确认后即可评论、提问和写作。`,
  verifySubmit: "确认我的邮箱",
  verified: "你的电子邮箱已确认，谢谢！",
  verifyNotDone: "邮箱没有确认。",

  confirmEmailTitle: "确认新的电子邮箱",
  confirmEmailDescription: "确认你的墨石账户的新电子邮箱地址。",
  confirmEmailIntro: (email: string) => `从现在起，你的墨石账户使用 ${email}：邮件会发到这里，也可以用它登录。`,
  confirmEmailSubmit: "使用这个地址",
  emailChanged: (email: string) => `你的电子邮箱已改为 ${email}。`,
  emailNotChanged: "电子邮箱没有修改。",

  unsubscribeTitle: "退订",
  unsubscribeDescription: "停止接收墨石的某类邮件。",
  unsubscribeIntro: "点一下即可停止接收这类邮件。你随时可以在“设置”中选择接收哪些邮件、多久一次。",
  unsubscribeSubmit: "退订",
  unsubscribed: (what: string, email: string) =>
    email ? `${email} 将不再收到关于${what}的邮件。` : `你将不再收到关于${what}的邮件。`,
  unsubscribeBroken: "这个退订链接不完整或已失效。请从邮件中复制完整的链接，或在“设置”中选择接收哪些邮件。",
  unsubscribeDone: "已完成。你可以随时在“设置”中更改。",
  mailSettings: "在“设置”中选择邮件",

  links: {
    "password-reset": {
      expired: { title: "链接已过期", body: "设置新密码的链接 30 分钟内有效。请重新申请，只需片刻。" },
      used: {
        title: "链接已经用过",
        body: "每个链接只能使用一次。如果不是你自己设置的新密码，请重新申请链接并立即设置。",
      },
      invalid: { title: "链接无效", body: "链接可能没有复制完整，或已被更新的链接取代。请重新申请。" },
    },
    "verify-email": {
      expired: {
        title: "链接已过期",
        body: "确认邮箱的链接 48 小时内有效。请登录，然后在页面顶部的提示中发送新链接。",
      },
      used: {
        title: "链接已经用过",
        body: "你的邮箱可能已经确认过了。如果页面顶部仍提示你确认，请从那里发送新链接。",
      },
      invalid: {
        title: "链接无效",
        body: "链接可能没有复制完整，或已被更新的链接取代。请登录，然后在页面顶部的提示中发送新链接。",
      },
    },
    "email-change": {
      expired: {
        title: "链接已过期",
        body: "确认新邮箱的链接 24 小时内有效。你的邮箱没有修改；请在“设置”中重新修改。",
      },
      used: { title: "链接已经用过", body: "每个链接只能使用一次：邮箱可能已经修改。“设置”中显示你当前的邮箱。" },
      invalid: {
        title: "链接无效",
        body: "链接可能没有复制完整，或已被更新的链接取代。请在“设置”中重新修改邮箱。",
      },
    },
  },
  askAgain: "重新申请链接",
  toSettings: "前往设置",
  toSignIn: "登录",

  banner: "请确认你的电子邮箱：我们已发送链接到",
  bannerYourAddress: "你的邮箱",
  bannerAfter: "确认之前你可以阅读，但不能评论、提问或写作。",
  resend: "重新发送链接",
  resent: "新的链接已发出。之前发送的链接不再有效。",
  alreadyVerified: "你的电子邮箱已经确认过了。",
  unverified: "请先确认你的电子邮箱：打开我们发给你的链接，然后再试一次。没有收到？可以重新发送链接。",

  passwordTitle: "密码",
  currentPassword: "当前密码",
  passwordSubmit: "修改密码",
  passwordChanged: (ended: number) => (ended === 0 ? "密码已修改。" : `密码已修改，其他 ${ended} 个登录已结束。`),
  passwordHint: "8 到 200 个字符。修改后，你账户在其他设备上的登录都会结束。",

  emailTitle: "电子邮箱",
  newEmail: "新的电子邮箱",
  emailHint: "我们会向新地址发送确认链接，并通知当前地址。在链接被打开之前（24 小时内）不会有任何改变。",
  emailSubmit: "修改电子邮箱",
  emailSent: (email: string) => `我们已发送链接到 ${email}。打开链接后邮箱才会修改。`,

  mailTitle: "墨石的邮件",
  mailIntro: "选择接收哪些邮件、多久一次。每封邮件里也有停止接收的链接。",
  mailUnavailable: "暂时无法显示你的邮件设置，请稍后再试。",
  categories: {
    replies: "你的文章收到的评论，以及对你评论的回复",
    follows: "新的关注者",
    reviews: "编辑对你的草稿的决定",
    runs: "已完成的生成任务",
  },
  categoryNames: {
    replies: "评论和回复",
    follows: "新关注者",
    reviews: "草稿审核结果",
    runs: "已完成的生成任务",
    all: "任何内容",
  },
  frequencies: { immediate: "立即", daily: "每日汇总", never: "从不" },
  mailSubmit: "保存邮件设置",
  mailSaved: "邮件设置已保存。",

  exportTitle: "下载我的数据",
  exportIntro:
    "一个 zip 压缩包，包含你在这里创建的一切：个人资料、文章与草稿（Markdown）、评论、点赞、收藏、关注和对话。",
  exportSubmit: "下载我的数据",

  deleteTitle: "注销我的账户",
  deleteWarning:
    "此操作无法撤销。你将在所有设备上退出登录，排队中和进行中的生成任务会被取消，你的个人数据会被删除。已发表的文章会保留并匿名显示作者，除非编辑将其删除。",
  deleteComments: "你的评论",
  deleteKeep: "保留，显示为“已注销用户”的评论",
  deleteRemove: "删除",
  deletePassword: "输入密码以确认",
  deleteSubmit: "永久注销我的账户",
  deleted: "你的账户已注销。感谢你曾是墨石的一员。",

  deletedMember: "已注销用户",

  errors: {
    wrongPassword: "当前密码不正确。",
    password: "8 到 200 个字符。",
    passwordsDiffer: "两次输入的密码不一致。请输入两次相同的新密码。",
    email: "请输入电子邮箱地址。",
    emailTaken: "另一个账户已在使用这个地址。",
    emailTakenSince: "这个地址在此期间已被另一个账户使用，你的邮箱没有修改。",
    sameEmail: "这已经是你的邮箱地址。",
    frequency: "请选择立即、每日汇总或从不。",
    comments: "请选择保留还是删除你的评论。",
    fix: "请修改下面标出的字段。",
  },
};
