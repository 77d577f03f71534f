"""Server-rendered staff screens of the core app (no JavaScript needed).

auth: sign-in, sign-out, two-factor, passwords · home: the staff start page ·
accounts, api_keys, topics: admin screens · audit_log: browsing the log ·
contacts: the audited reveal of a reporter's contact details.
"""
