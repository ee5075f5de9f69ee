"""Mailbox intake: IMAP polling, MIME decoding, threading and intake jobs.

The name shadows the standard-library ``mailbox`` module on purpose (the design names it so);
every entry point puts the project root first on ``sys.path`` so that this package wins.
"""

IS_PROJECT_MAILBOX = True
