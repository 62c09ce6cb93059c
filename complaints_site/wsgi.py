"""The WSGI application gunicorn serves. Importing this module imports the `complaints_site`
package first, which sets DJANGO_SETTINGS_MODULE to production when it is unset."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
