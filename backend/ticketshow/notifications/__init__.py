"""Mail, the chat webhook, the local mail catcher, visits (last seen) and the daily reminder."""
