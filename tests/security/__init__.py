"""Security tests: each case of the attack report (issue 11), kept fixed."""
