"""The ground floor every app stands on: GOV.UK form fields and the form-service error bridge
(`kit.forms`), request helpers (`kit.web`), API pagination and error shapes (`kit.api`), day
boundaries and "now as of a date" (`kit.clock`), the one working-day calendar (`kit.calendar`).
It imports no app of this project, so any app may import it; the import contract in `make test`
holds it to that.
"""
