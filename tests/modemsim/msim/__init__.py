"""modemsim internals: an AT-command GSM modem simulator (see ../README.md).

Modules: pdu (GSM 03.38 / 23.040 codecs, status reports), atutil (AT
parameter and charset helpers, Reply), store (the SM and SR memories), core
(the modem: pty, framing, dispatch, main loop), basic_cmds / sms_cmds (AT
command handlers) and reports (status reports, `dlr`) and control (the
control socket) as mixins of core.ModemSim, tools (ctl / at / merge
sub-commands), selftest.
"""
