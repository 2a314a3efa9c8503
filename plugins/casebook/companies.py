"""Companies as a first-class taxonomy: ``Companies: Disney, Marriott``."""

from __future__ import annotations

from functools import partial

from pelican.generators import Generator
from pelican.urlwrappers import URLWrapper


class Company(URLWrapper):
    """Its URLs come from COMPANY_URL / COMPANY_SAVE_AS, as Tag's do from TAG_*."""


DEFAULTS = {
    "COMPANY_URL": "companies/{slug}/",
    "COMPANY_SAVE_AS": "companies/{slug}/index.html",
    "COMPANIES_URL": "companies/",
    "COMPANIES_SAVE_AS": "companies/index.html",
}


class CompaniesGenerator(Generator):
    """Groups published articles by company; writes /companies/ and one page each."""

    def generate_context(self):
        grouped: dict[Company, list] = {}
        for article in self.context.get("articles", ()):
            for company in getattr(article, "companies", ()):
                grouped.setdefault(company, []).append(article)
        self.companies = sorted(grouped.items(), key=lambda item: item[0].name.lower())
        self.context["companies"] = self.companies

    def generate_output(self, writer):
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        if self.settings["COMPANIES_SAVE_AS"]:
            write(
                self.settings["COMPANIES_SAVE_AS"],
                self.get_template("companies"),
                self.context,
                url=self.settings["COMPANIES_URL"],
                template_name="companies",
            )
        template = self.get_template("company")
        for company, articles in self.companies:
            write(
                company.save_as,
                template,
                self.context,
                company=company,
                articles=articles,
                url=company.url,
                template_name="company",
            )
