#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Without DJANGO_SETTINGS_MODULE it runs with production settings (cron, the MTA pipe); the
Makefile and the README's demo commands set complaints_site.settings.local explicitly.
"""

import sys


def main() -> None:
    from django.core.management import execute_from_command_line

    # Importing the package sets the default settings module (complaints_site/__init__.py).
    import complaints_site  # noqa: F401

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
