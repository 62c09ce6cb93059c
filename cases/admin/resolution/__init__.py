"""Steps 5 and 6 in the staff site: the Resolution panel of the case page and its offer
composer (case_page), the approver's and the lead's queues with the auditors' list of offers
(queues), the assets the exchange pays in (assets), and the words they are shown in (display).
Importing the package registers its ModelAdmins."""

from cases.admin.resolution import assets, queues  # noqa: F401
