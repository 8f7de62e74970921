"""SLAs on business hours: calendars, policies, and the timers they keep on tickets.

- calendar.py: business-time arithmetic (pure); calendar_input.py: reading calendars.
- policies.py: which policy applies to a ticket; timers.py: what happens to one timer (pure).
- maintain.py: timers kept in the same transaction as every ticket write (a finish step of
  app.tickets.unit_of_work); scan.py: the due-timer scan that records SLA_WARNING and
  SLA_BREACHED events; setup.py: the admin commands; reads.py: what Ticket.sla shows.

What a policy change does to running timers: nothing. Calendars and policies are never edited
in place, and a timer keeps the policy, targets and calendar it started with; a new policy (or
one with a higher priority) applies to tickets created from then on.

Importing the package installs the finish step. May import: app.domain, app.db, app.tickets,
app.background. (Its read-side loaders live with the others in app.loaders.)
"""

from app.sla.maintain import install

install()
