"""Templates of the fresh PII set (benchmarks/pii_fresh.py): government letters, forms, case notes,
call summaries and citizens' e-mails. DEV and TEST hold different templates of the same families;
none is taken from synth_dataset_v2. Slots in braces are filled by the generator; slots for public
bodies, programmes, months, weekdays, deadlines, amounts, forms, hours, web sites and helplines are
not personal data and get no span.
"""

from __future__ import annotations

from typing import Any

Template = list[Any]

DEV: list[Template] = [
    # 1 benefit decision letter
    [("{pdate}\n\n", ""), ("{title_name}\n{address}\n\n", "{name}\n{address}\n\n"),
     ("Dear {title_last},\n\n", "Dear {first},\n\n", "Dear {name},\n\n"),
     "We have reviewed your application for the {programme}. ",
     ("Your claim was received on {pdate} and ", "After the interview on {weekday}, "),
     "we are pleased to tell you that you qualify for {amount} a month starting in {month}. ",
     ("If anything changes, tell the {agency} {deadline}. ", "Please return {form} {deadline}. "),
     ("You can also call us on {helpline}, {hours}.", "More information is at {url}."),
     "\n\nSincerely,\n{officer}\n{agency}"],
    # 2 tax: request for information
    ["Notice from the {agency}\n\n", ("Taxpayer: {name}\n", "Name: {name_caps}\n"),
     ("SSN: {ssn}\n", "Social Security number: {ssn}\n", "Taxpayer ID (SSN) {ssn}\n"),
     "Tax year: {year}\n\n",
     "We could not verify the income reported on your {year} return. ",
     "Please send a copy of {form} and the statement from {employer} {deadline}. ",
     ("If you already sent it in {month}, you do not need to do anything.",
      "Our offices are open {hours}, Monday to Friday.")],
    # 3 passport appointment
    [("Appointment confirmation\n\n", "Your appointment\n\n"),
     "Applicant: {name}\nDate of birth: {dob}\n",
     ("Place of birth: {city}\n", "Place of birth: {country}\n"),
     ("Phone: {phone}\n", "Mobile: {phone}\n", ""),
     "Your appointment at the {agency} is on {weekday}, {pdate} at {hours}. ",
     "Bring your current passport ({passport}), two photos and {form}. ",
     "The fee of {amount} is paid at the counter."],
    # 4 application form, key: value
    [("APPLICATION FOR ASSISTANCE\n", "Housing application\n"),
     "Full name: {name}\n", ("Date of birth: {dob}\n", "DOB: {dob}\n"),
     ("Age: {age}\n", ""), "Home address: {address}\n",
     ("E-mail: {email}\n", "Email address: {email}\n"), ("Telephone: {phone}\n", "Phone number: {phone}\n"),
     ("Employer: {employer}\n", "Current employer: {employer}\n", ""),
     "Programme applied for: {programme}\n", "Signed on {pdate}"],
    # 5 citizen e-mail
    [("Hello,\n\n", "Good morning,\n\n", "To whom it may concern,\n\n"),
     ("My name is {name} and I ", "I am {name}, I "),
     ("moved to {address} in {month}. ", "recently moved to {city} and my new address is {address}. "),
     "I want to update my records with the {agency} before my benefits are paid on {weekday}. ",
     ("My date of birth is {dob}", "I was born on {dob}"), (" and my SSN is {ssn}. ", ". "),
     ("You can reach me at {phone} or {email}.", "Please reply to {email}."),
     "\n\nThank you,\n{first}"],
    # 6 caseworker note
    [("Case note, {pdate}: ", "Note ({pdate}): "),
     "met {title_name} ({age}) at {place}. ",
     ("She", "He", "The client"), " lives with her {relation} {other} at {address}. ",
     "Discussed eligibility for the {programme} and the letter from the {agency}. ",
     "Follow-up call booked for {weekday}; ", ("client's number {phone}.", "reachable on {phone}.")],
    # 7 call summary
    ["Call summary\nCaller: {name}\n",
     ("Verified with date of birth {dob} and the last four of the SSN.\n", "Identity checked: DOB {dob}.\n"),
     "Reason: asked when the {programme} payment for {month} will arrive. ",
     "Told the caller that payments go out on the second {weekday} of the month ",
     "and that the {agency} needs {form} {deadline}. ",
     ("Callback number {phone}.", "Caller e-mail {email}.")],
    # 8 direct deposit form
    ["Direct deposit enrollment\n\n", "Payee: {name}\n",
     ("Bank account number: {account}\nRouting number: 021000021\n", "IBAN: {iban}\n"),
     ("Address on file: {address}\n", ""),
     "Payments from the {agency} under the {programme} will be deposited from {month}. ",
     "Changes made after the {days}th of the month take effect the following month."],
    # 9 immigration letter
    ["Re: application for a work permit\n\n", "Dear {title_last},\n\n",
     "We received your application on {pdate}. ",
     ("As a {nationality} national, ", "Because you are a citizen of {country}, "),
     "you must attend a biometrics appointment at the {agency} office near {place}. ",
     "Please bring your passport, number {passport}, and the receipt for {form}. ",
     "Applications not completed {deadline} will be closed.\n\n{agency}"],
    # 10 health letter
    [("Dear {name},\n\n", "Dear {title_last},\n\n"),
     "Your NHS number is {nhs}. ",
     "You are due for a check-up because you are now {age}. ",
     "Clinics are held on {weekday} mornings at {place}. ",
     ("If you need to rearrange, call {phone}.", "Visit {url} to book online."),
     "\n\nYours sincerely,\n{officer}"],
    # 11 household composition
    ["Household members\n",
     "1. {name}, applicant, born {dob}\n",
     "2. {other}, {relation}, aged {child_age}\n",
     "Monthly household income: {amount}\n",
     "Rent paid to the {agency}: {amount} per month since {month} {year}.\n",
     "I declare that the information above is true. Signed, {name}, {pdate}."],
    # 12 account security notice
    [("Security alert for your online account\n\n", "New sign-in to your account\n\n"),
     "Hello {first},\n",
     "We noticed a sign-in to your {agency} account from the IP address {ip} on {pdate}. ",
     "If this was not you, change your password at {url} and call {helpline}. ",
     "We will never ask for your card number by e-mail."],
    # 13 UK letter, NINO
    ["{agency}\n{pdate}\n\n", "Dear {title_last}\n\n",
     "National Insurance number: {nino}\n\n",
     "Your {programme} award has changed from {month}. ",
     ("You will get {amount} every two weeks. ", "Your next payment is due on {weekday}. "),
     "Tell us straight away if you move; your address on our records is {address}."],
    # 14 complaint
    [("Complaint\n\n", "Formal complaint\n\n"),
     "I, {name}, of {address}, wish to complain about the way the {agency} handled my request. ",
     "I phoned on {weekday} and on {pdate} and was told twice that my file was lost. ",
     "My reference with them is my driver's license number {licence}. ",
     ("I can be contacted at {email}.", "My phone number is {phone}.")],
    # 15 payment by card
    ["Payment receipt\n",
     "Paid by: {name}\n", "Card: {card}\n",
     "Amount: {amount} (permit fee, {agency})\n",
     "Permit valid from {month} to {month}, collect it at {place} {hours}."],
    # 16 employment verification
    ["Employment verification\n\n",
     "To the {agency}:\n\n",
     "This letter confirms that {title_name} has worked at {employer} since {pdate}. ",
     ("Their annual salary is {amount}. ", ""),
     "For questions, contact me at {phone}.\n\n{officer}\nHuman Resources, {employer}"],
]

TEST: list[Template] = [
    # 1 benefit letter
    [("{title_name}\n", "{name}\n"), "{address}\n\n", ("Date: {pdate}\n\n", ""),
     "Re: your {programme} claim\n\n", ("Dear {title_last},\n\n", "Dear {first},\n\n"),
     "Thank you for contacting the {agency}. ",
     "Based on the information you gave us on {pdate}, your benefit will be {amount} per month. ",
     ("The first payment will reach your account in {month}. ", "Payments are made every {weekday}. "),
     "If you disagree with this decision, you can ask for a review {deadline}.\n\n",
     ("Kind regards,\n{officer_title}\n", "Yours sincerely,\n{officer}\n"), "{agency}"],
    # 2 tax
    [("Dear taxpayer,\n\n", "Dear {name},\n\n"),
     "Our records show that the {year} return filed under SSN {ssn} is missing {form}. ",
     "You also reported wages from {employer}. ",
     ("Send the missing documents {deadline}, ", "Please upload the form at {url} {deadline}, "),
     "or the {agency} will adjust your refund by {amount}.\n\n",
     ("If you have questions, call {helpline}.", "Phone lines are open {hours}.")],
    # 3 DMV appointment
    ["{agency}: appointment reminder\n\n",
     "Hi {first}, this is a reminder that your road test is on {pdate}. ",
     "Please arrive 15 minutes early at {place} and bring your learner's permit ({licence}). ",
     ("Customer date of birth: {dob}. ", "DOB on file: {dob}. "),
     ("To reschedule, reply STOP or call {helpline}.", "Questions? Call us, {hours}.")],
    # 4 form
    ["Section A: applicant details\n",
     ("Surname / given name: {name_caps}\n", "Name of applicant: {name}\n"),
     "Date of birth (dd/mm/yyyy): {dob}\n",
     ("Nationality: {nationality}\n", "Country of birth: {country}\n"),
     "Residential address: {address}\n",
     ("Contact phone: {phone}\n", "Daytime telephone: {phone}\n"),
     ("Email: {email}\n", ""),
     "Section B: which service do you need? {programme}\n",
     "Return this form to the {agency} {deadline}."],
    # 5 citizen e-mail
    [("Hi there,\n", "Dear Sir or Madam,\n"),
     ("my name is {name_lower} and ", "This is {name} writing. "),
     "I am {age} years old and I applied for the {programme} in {month}. ",
     "Could the {agency} tell me whether my application went through? ",
     ("I live at {address}. ", "My postcode changed when I moved to {city}. "),
     ("My phone: {phone}.", "Email me at {email}."),
     "\nBest,\n{name}"],
    # 6 case note
    ["{pdate} home visit. ",
     "Spoke with {name}, {age}, and {other_first}, {relation}, aged {child_age}. ",
     "The family moved from {country} and has lived at {address} for {count} months. ",
     "They receive {programme}; next review by the {agency} on {weekday}. ",
     ("No concerns noted.", "Referred to the food bank at {place}.")],
    # 7 call log
    [("Inbound call, {weekday}\n", "Telephone contact\n"),
     "Customer name: {name}\n", "Date of birth given: {dob}\n",
     ("Phone: {phone}\n", ""),
     "Summary: customer asked why the {agency} stopped the {programme} payments in {month}. ",
     "Advised that {form} was not received and must be sent {deadline}. ",
     ("Customer will call back after {hours}.", "Customer was given the helpline {helpline}.")],
    # 8 refund by bank transfer
    ["Refund request\n\n",
     "I would like my refund of {amount} from the {agency} to be paid into my account. ",
     ("IBAN {iban}, account holder {name}. ", "Account number {account}, held by {name}. "),
     "I was charged twice in {month} for the same permit. ",
     ("My card ending was {card}. ", ""), "Thank you."],
    # 9 immigration
    [("Notice of decision\n\n", "Decision on your application\n\n"),
     "Applicant: {title_name}\n", "Date of birth: {dob}\n", "Passport number: {passport}\n",
     ("Nationality: {nationality}\n\n", "Country of nationality: {country}\n\n"),
     "The {agency} has approved your application for permanent residence. ",
     "Your card will be mailed to {address} within {days} days. ",
     "Report any change of address through {url}."],
    # 10 health
    ["Patient: {name} (NHS no. {nhs})\n",
     ("Born: {dob}\n", "DOB {dob}\n"),
     "The {agency} is writing to invite you to your annual review. ",
     "Appointments are available on {weekday} and {weekday} at {place}. ",
     ("Please phone {phone} to confirm.", "Book at {url} or call {helpline}.")],
    # 11 household
    ["Who lives with you?\n",
     "Name: {name}   Relationship: self   Age: {age}\n",
     "Name: {other}   Relationship: {relation}   Age: {child_age}\n",
     "Has anyone in the household received {programme} since {month}? No\n",
     "Total rent: {amount}. Landlord: the {agency}.\n",
     "Date signed: {pdate}"],
    # 12 account
    [("Dear {first},\n\n", "Hello {name},\n\n"),
     "Your password for the {agency} online service was changed on {pdate} from {ip}. ",
     "If you made this change, you do not need to do anything. ",
     "Otherwise contact us {hours} on {helpline}. ",
     "A copy of this notice was sent to {email}; we never ask for your password by e-mail."],
    # 13 UK letter
    ["Our ref: see below\n{pdate}\n\n", "{title_name}\n{address}\n\n",
     "Your National Insurance number is {nino}. ",
     "Keep this letter safe: you will need the number when you apply for {programme} or start work. ",
     "The {agency} will write to you again in {month}."],
    # 14 complaint / FOIA
    ["Freedom of information request\n\n",
     "From: {name} <{email}>\n",
     "I request copies of all records the {agency} holds about me, including letters sent to ",
     "{address} since {year}. ",
     "For identification: date of birth {dob}, driver's licence {licence}. ",
     "Please answer {deadline}, as the law requires."],
    # 15 card payment
    ["Order confirmation\n",
     "Thank you, {name}. We received {amount} for {form} from the card {card}. ",
     "A receipt was sent to {email}. ",
     "Processing usually takes {days} days; the {agency} closes on {weekday} afternoons."],
    # 16 employment
    ["Letter of employment\n\n",
     ("{pdate}\n\n", ""),
     "I confirm that {name}, born {dob}, is employed full time by {employer} at our ",
     "site in {city}. ",
     "This letter is provided at the employee's request for the {agency}.\n\n",
     "{officer_title}\n", ("Payroll manager\n", "Director of Operations\n"), "Telephone {phone}"],
]
