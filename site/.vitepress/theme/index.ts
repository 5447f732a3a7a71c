// VitePress's default theme in Inkstone's colours and the system's fonts (as the community: no web font to wait
// for, and Inter has no Chinese anyway), with two of its components replaced (see ../config.ts,
// `vite.resolve.alias`): a sidebar item whose group heading sits in no `role=button`, and a content area that is
// the page's `<main>` on every layout.
import DefaultTheme from "vitepress/theme-without-fonts";
import "./inkstone.css";

export default DefaultTheme;
