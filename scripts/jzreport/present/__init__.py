"""What a chapter shows: the report's tables (`tables`) and figures (`figures`, `figure_style`), numbers in the
report's style (`formatting`), numbers in the prose with their traces (`prose`), the front page's scorecard
(`scorecard`), source lines (`provenance`) and the MyST the book writes (`markup`)."""
