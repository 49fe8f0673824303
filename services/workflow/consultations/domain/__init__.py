"""The rules of a consultation on a draft, without a framework: dates, steps, figures."""
