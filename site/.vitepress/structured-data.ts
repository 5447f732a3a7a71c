import type { HeadConfig } from "vitepress";

/** Who publishes the site, the same in every locale. */
const ORGANIZATION = { name: "Inkstone", alternateName: "墨石" };

export type StructuredPage = {
  siteUrl: string;
  /** The home page of the page's locale (`/`, `/en/`): its WebSite. */
  homePath: string;
  /** The locale's site title. */
  siteName: string;
  path: string;
  lang: string;
  title: string;
  description: string;
  /** A locale's home page describes the organisation and the site; every other page is a technical article. */
  kind: "home" | "doc";
};

/** schema.org JSON-LD for one page: Organization and WebSite on home pages, TechArticle on the docs. */
export function structuredData(page: StructuredPage): object {
  const url = (path: string) => `${page.siteUrl}${path}`;
  const organization = {
    "@type": "Organization",
    "@id": url("/#organization"),
    ...ORGANIZATION,
    url: url("/"),
  };
  const website = { "@id": url(`${page.homePath}#website`) };
  if (page.kind === "home") {
    return {
      "@context": "https://schema.org",
      "@graph": [
        organization,
        {
          "@type": "WebSite",
          ...website,
          url: url(page.homePath),
          name: page.siteName,
          description: page.description,
          inLanguage: page.lang,
          publisher: { "@id": organization["@id"] },
        },
      ],
    };
  }
  return {
    "@context": "https://schema.org",
    "@type": "TechArticle",
    headline: page.title,
    description: page.description,
    url: url(page.path),
    mainEntityOfPage: url(page.path),
    inLanguage: page.lang,
    isPartOf: website,
    publisher: organization,
  };
}

/** The head tag carrying a page's JSON-LD; `<` is escaped so no text in it can close the script element. */
export function structuredDataHead(page: StructuredPage): HeadConfig {
  const json = JSON.stringify(structuredData(page)).replace(/</g, "\\u003c");
  return ["script", { type: "application/ld+json" }, json];
}
