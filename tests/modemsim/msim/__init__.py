"""modemsim internals: an AT-command GSM modem simulator (see ../README.md).

Modules: pdu (GSM 03.38 / 23.040 codecs), atutil (AT parameter and charset
helpers, Reply), core (the modem: pty, framing, dispatch, main loop),
basic_cmds / sms_cmds (AT command handlers, mixins of core.ModemSim),
control (the control socket), tools (ctl / at / merge sub-commands), selftest.
"""
