"use strict";

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  Desk.showError("");
  try {
    await Desk.api("POST", "/api/login", {
      username: form.username.value,
      password: form.password.value,
    });
    window.location.assign("/");
  } catch (err) {
    form.password.value = "";
    Desk.showError(err.message);
  }
});
